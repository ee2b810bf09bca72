"""Tests for keras_recsys/metrics/sparse_targets.py (numpy only)."""

import numpy as np
import pytest

from keras_recsys.metrics import sparse_targets


@pytest.mark.backend_independent
def test_packs_relevant_then_excluded_then_padding():
    relevant = [np.array([3]), np.array([0, 5]), np.array([], "int64")]
    exclude = [np.array([1, 2]), np.array([], "int64"), np.array([4])]
    before = [r.copy() for r in relevant]
    got = sparse_targets(relevant, exclude=exclude, width=4)
    np.testing.assert_array_equal(
        got, [[3, -3, -4, -1], [0, 5, -1, -1], [-6, -1, -1, -1]]
    )
    assert got.dtype == np.int32
    for r, b in zip(relevant, before):  # inputs untouched
        np.testing.assert_array_equal(r, b)
    np.testing.assert_array_equal(sparse_targets(np.array([2, 7])), [[2], [7]])


@pytest.mark.backend_independent
def test_bad_inputs():
    with pytest.raises(TypeError, match="integer"):
        sparse_targets([np.array([1.5])])
    with pytest.raises(ValueError, match=">= 0"):
        sparse_targets([np.array([-1])])
    with pytest.raises(ValueError, match="one entry per row"):
        sparse_targets([np.array([1])], exclude=[])
    with pytest.raises(ValueError, match="width"):
        sparse_targets([np.array([1, 2])], width=1)
