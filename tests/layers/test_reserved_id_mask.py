"""Tests for keras_recsys/layers/reserved_id_mask.py."""

import numpy as np
import pytest
from keras import ops

from keras_recsys.layers import ReservedIdMask
from keras_recsys.utils.testing import run_layer_test


def test_harness_and_known_value():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    expected = x.copy()
    expected[:, [0, 2]] = -1e9
    run_layer_test(
        ReservedIdMask,
        {"columns": (0, 2)},
        x,
        expected_output=expected,
        run_training=False,
    )
    default = ops.convert_to_numpy(ReservedIdMask()(x))
    np.testing.assert_array_equal(default[:, 1:], x[:, 1:])
    np.testing.assert_array_equal(default[:, 0], -1e9)


def test_float16_stays_finite():
    out = ReservedIdMask(dtype="float16")(np.ones((2, 3), "float16"))
    assert np.isfinite(ops.convert_to_numpy(out)).all()


@pytest.mark.parametrize(
    "columns, error",
    [((-1,), ValueError), ("0", TypeError), ((1.0,), TypeError), ((True,), TypeError)],
)
def test_bad_columns(columns, error):
    with pytest.raises(error, match="columns"):
        ReservedIdMask(columns=columns)
