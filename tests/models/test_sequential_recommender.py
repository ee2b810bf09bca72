import os
import tempfile

import keras
import numpy as np

import keras_recsys
from keras_recsys.models import SequentialRecommender
from keras_recsys.utils.testing import run_serialization_test


def _graph():
    sequence = keras.Input(shape=(4,), dtype="int32", name="item_sequence")
    items = keras_recsys.layers.TiedItemEmbedding(9, 4, mask_zero=True)
    states = keras_recsys.layers.RNNSequenceEncoder(4, return_sequences=True)(
        items(sequence)
    )
    return sequence, items(states, mode="next_item")


def test_serialization_and_save_load():
    sequence, outputs = _graph()
    revived = run_serialization_test(
        SequentialRecommender, {"inputs": sequence, "outputs": outputs}
    )
    assert isinstance(revived, SequentialRecommender)
    model = SequentialRecommender(*_graph())
    x = np.array([[0, 1, 2, 3], [4, 5, 0, 0]])
    expected = model.predict(x, verbose=0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, SequentialRecommender)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6)


def test_one_target_per_sequence_trains_the_last_position():
    """fit with targets (batch,): the loss is the cross-entropy of the last
    real position (numpy reference on the model's own logits)."""
    model = SequentialRecommender(*_graph())
    model.compile(
        optimizer=keras.optimizers.SGD(0.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    x = np.array([[0, 1, 2, 3], [4, 5, 0, 0]])
    y = np.array([4, 6])
    logits = model.predict(x, verbose=0).astype("float64")
    log_softmax = (
        logits
        - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1))[:, None]
        - logits.max(1, keepdims=True)
    )
    expected = -np.mean(log_softmax[np.arange(2), y])
    history = model.fit(x, y, batch_size=2, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)


def test_jit_compile_is_not_carried_across_backends(tmp_path):
    # Issue #13, for the sequence builders' class: a saved model lets the
    # loading backend resolve jit_compile (JAX's True meant torch.compile).
    import json
    import zipfile

    model = keras_recsys.models.build_gru4rec(num_items=6, max_len=3, embedding_dim=4)
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    path = tmp_path / "gru4rec.keras"
    model.save(path)
    stored = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert stored["compile_config"]["jit_compile"] == "auto"
