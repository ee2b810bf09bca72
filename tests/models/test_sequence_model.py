"""The next-item builders stamp their arguments (keras_recsys/models/_sequence_model.py)."""

import keras
import pytest

import keras_recsys

BUILDS = {
    "build_sasrec": ({"num_blocks": 1}, {"num_heads": 1, "dropout": 0.2}),
    "build_gru4rec": ({"cell": "lstm"}, {"units": 4, "num_layers": 1}),
    "build_caser": ({"window": 2}, {"num_horizontal": 16, "num_vertical": 4}),
    "build_bert4rec": ({"num_blocks": 1}, {"num_heads": 2, "feedforward_dim": None}),
}


@pytest.mark.parametrize("builder", sorted(BUILDS))
def test_hyperparameters_survive_save_and_load(builder, tmp_path):
    given, defaults = BUILDS[builder]
    build = getattr(keras_recsys.models, builder)
    model = build(num_items=7, max_len=3, embedding_dim=4, name="mine", **given)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert (loaded.builder, loaded.name) == (builder, "mine")
    stamp = dict(loaded.hyperparameters)
    expected = {"num_items": 7, "max_len": 3, "embedding_dim": 4, **given, **defaults}
    assert {k: stamp[k] for k in expected} == expected
    assert "name" not in stamp
    # The stamp is every argument: the builder takes it back as it is.
    assert build(**stamp).count_params() == model.count_params()
