"""Tests for keras_recsys/metrics/ndcg_at_k.py against a numpy reference."""

import metric_contract as contract
import numpy as np
import pytest
import ranking_reference as ref

from keras_recsys.metrics import NDCGAtK
from keras_recsys.metrics import ndcg_at_k
from keras_recsys.utils.testing import run_metric_test

VARIANTS = [{}, {"gain": "linear"}]


def test_harness_weighted():
    y_true, y_pred, weights = contract.data()
    expected = ref.mean("ndcg", y_true, y_pred, 5, weights)
    run_metric_test(
        NDCGAtK, {"k": 5}, y_true, y_pred, expected=expected, sample_weight=weights
    )


@pytest.mark.parametrize("kwargs", VARIANTS)
def test_streaming_matches_reference(kwargs):
    contract.check_streaming_reference(NDCGAtK, "ndcg", **kwargs)


@pytest.mark.parametrize("kwargs", VARIANTS)
@pytest.mark.parametrize("k", [1, 3, 12])
def test_function_matches_reference(kwargs, k):
    contract.check_function(ndcg_at_k, "ndcg", k, **kwargs)


def test_known_value():
    contract.check_known_value(NDCGAtK, 1.0 / np.log2(3) / (1.0 + 1.0 / np.log2(3)))


def test_rows_without_relevant_items_carry_no_weight():
    contract.check_rows_without_relevant_items(NDCGAtK)


def test_bad_input():
    contract.check_bad_input(NDCGAtK, ndcg_at_k)
