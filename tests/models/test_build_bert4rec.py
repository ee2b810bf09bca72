import os
import tempfile

import keras
import numpy as np
import pytest

from keras_recsys.models import build_bert4rec

NUM_ITEMS = 9  # codes 1..8, [MASK] = 9
MAX_LEN = 5
HISTORIES = np.array(
    [
        [0, 0, 3, 5],  # left padding
        [3, 5, 0, 0],  # the same items, right padding
        [0, 0, 0, 4],
        [1, 2, 3, 4],
    ],
    dtype="int32",
)


def _model(**kwargs):
    keras.utils.set_random_seed(0)
    return build_bert4rec(NUM_ITEMS, MAX_LEN, embedding_dim=8, num_blocks=1, **kwargs)


def test_output_layout_padding_and_save_load():
    model = _model()
    logits = model.predict(HISTORIES, verbose=0)
    assert logits.shape == (4, NUM_ITEMS)  # one column per code, no [MASK]
    np.testing.assert_allclose(logits[:, 0], -1e9)
    assert (logits[:, 1:] > -1e6).all()
    np.testing.assert_allclose(logits[0], logits[1], rtol=1e-5, atol=1e-5)
    masked = np.array([[1, 9, 3, 9, 5]], dtype="int32")
    per_position = keras.ops.convert_to_numpy(model(masked))
    assert per_position.shape == (1, MAX_LEN, NUM_ITEMS)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(HISTORIES, verbose=0), logits, atol=1e-6)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(masked)), per_position, atol=1e-6
    )


def test_prediction_is_the_output_at_an_appended_mask():
    model = _model()
    logits = model.predict(HISTORIES, verbose=0)
    # The same histories in the masked layout, [MASK] written by hand.
    by_hand = np.array(
        [[0, 0, 3, 5, 9], [3, 5, 9, 0, 0], [0, 0, 0, 4, 9], [1, 2, 3, 4, 9]]
    )
    per_position = model.predict(by_hand, verbose=0)
    slots = [4, 2, 4, 4]
    np.testing.assert_allclose(
        logits, per_position[np.arange(4), slots], rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_items": 1, "max_len": 4},
        {"num_items": 5, "max_len": 0},
        {"num_items": 5, "max_len": 4, "embedding_dim": 0},
    ],
)
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError, match="num_items|max_len|embedding_dim"):
        build_bert4rec(**kwargs)


def test_rejects_inputs_longer_than_max_len():
    with pytest.raises(ValueError, match="max_len=5"):
        _model()(np.ones((1, 6), "int32"))
