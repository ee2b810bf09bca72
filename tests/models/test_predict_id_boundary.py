"""Issue #13: ids that Keras's int32 inputs would wrap or truncate are refused
by the builders' models in predict / evaluate / fit (before Keras casts)."""

import numpy as np
import pytest

import keras_recsys


def _ncf():
    return keras_recsys.models.build_ncf(
        num_users=5, num_items=7, embedding_dim=2, hidden_units=(2,)
    )


def _inputs(user_ids, item_ids):
    return {"user_id": np.asarray(user_ids), "item_id": np.asarray(item_ids)}


def test_int64_ids_beyond_int32_are_refused_not_wrapped():
    model = _ncf()
    # 2**32 + 3 would be cast to 3, a valid id of another user.
    bad = _inputs(np.array([2**32 + 3], dtype="int64"), [1])
    with pytest.raises(ValueError, match="user_id"):
        model.predict(bad, verbose=0)
    with pytest.raises(ValueError, match="user_id"):
        model.evaluate(bad, np.ones((1, 1)), verbose=0)


def test_float_and_bool_ids_are_refused():
    model = _ncf()
    with pytest.raises(TypeError, match="item_id"):
        model.predict(_inputs([1], np.array([2.7])), verbose=0)
    with pytest.raises(TypeError, match="user_id"):
        model.predict(_inputs(np.array([True]), [1]), verbose=0)


def test_valid_int64_ids_predict_as_int32_ids():
    model = _ncf()
    wide = model.predict(_inputs(np.array([1, 4], "int64"), [2, 6]), verbose=0)
    narrow = model.predict(_inputs(np.array([1, 4], "int32"), [2, 6]), verbose=0)
    np.testing.assert_array_equal(wide, narrow)


def test_sequence_builders_refuse_wrapping_ids():
    model = keras_recsys.models.build_sasrec(
        num_items=6, max_len=3, embedding_dim=4, num_blocks=1
    )
    sequences = np.array([[0, 1, 2**32 + 2]], dtype="int64")
    with pytest.raises(ValueError, match="item_sequence"):
        model.predict(sequences, verbose=0)
