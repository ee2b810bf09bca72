import keras
import numpy as np
import pytest

from keras_recsys.losses import MaskedMeanSquaredError
from keras_recsys.utils.testing import run_loss_test


def _data():
    rng = np.random.default_rng(0)
    y_true = rng.integers(1, 6, (5, 7)).astype("float32")
    y_true[rng.random((5, 7)) < 0.5] = 0.0
    y_true[3] = 0.0  # a row with no observed rating
    y_pred = rng.normal(3.0, 1.0, (5, 7)).astype("float32")
    return y_true, y_pred


def _reference(y_true, y_pred, row_reduction):
    values = []
    for t, p in zip(y_true.astype("float64"), y_pred.astype("float64")):
        errors = [(a - b) ** 2 for a, b in zip(t, p) if a != 0]
        if not errors:
            values.append(0.0)
        elif row_reduction == "sum":
            values.append(sum(errors))
        else:
            values.append(sum(errors) / len(errors))
    return np.mean(values)


@pytest.mark.parametrize("row_reduction", ["mean", "sum"])
def test_harness_against_numpy(row_reduction):
    y_true, y_pred = _data()
    run_loss_test(
        MaskedMeanSquaredError,
        {"row_reduction": row_reduction},
        y_true,
        y_pred,
        expected=_reference(y_true, y_pred, row_reduction),
    )


def test_unobserved_entries_do_not_count():
    y_true, y_pred = _data()
    loss = MaskedMeanSquaredError()
    changed = y_pred.copy()
    changed[y_true == 0] += 100.0
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loss(y_true, changed)),
        keras.ops.convert_to_numpy(loss(y_true, y_pred)),
        rtol=1e-6,
    )


def test_custom_missing_value_and_no_reduction():
    y_true = np.array([[-1.0, 2.0], [-1.0, -1.0]], dtype="float32")
    y_pred = np.array([[5.0, 4.0], [1.0, 1.0]], dtype="float32")
    loss = MaskedMeanSquaredError(missing_value=-1.0, reduction=None)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loss(y_true, y_pred)), [4.0, 0.0]
    )


def test_invalid_inputs_and_arguments():
    y_true, y_pred = _data()
    bad = y_true.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MaskedMeanSquaredError()(bad, y_pred)
    with pytest.raises(ValueError, match="same shape"):
        MaskedMeanSquaredError()(y_true, y_pred[:, :3])
    with pytest.raises(ValueError, match="row_reduction"):
        MaskedMeanSquaredError(row_reduction="max")
    with pytest.raises(TypeError, match="missing_value"):
        MaskedMeanSquaredError(missing_value="zero")
