"""Tests for keras_recsys/metrics/map_at_k.py against a numpy reference."""

import metric_contract as contract
import pytest
import ranking_reference as ref

from keras_recsys.metrics import MAPAtK
from keras_recsys.metrics import map_at_k
from keras_recsys.utils.testing import run_metric_test

VARIANTS = [{}]


def test_harness_weighted():
    y_true, y_pred, weights = contract.data()
    expected = ref.mean("map", y_true, y_pred, 5, weights)
    run_metric_test(
        MAPAtK, {"k": 5}, y_true, y_pred, expected=expected, sample_weight=weights
    )


@pytest.mark.parametrize("kwargs", VARIANTS)
def test_streaming_matches_reference(kwargs):
    contract.check_streaming_reference(MAPAtK, "map", **kwargs)


@pytest.mark.parametrize("kwargs", VARIANTS)
@pytest.mark.parametrize("k", [1, 3, 12])
def test_function_matches_reference(kwargs, k):
    contract.check_function(map_at_k, "map", k, **kwargs)


def test_known_value():
    contract.check_known_value(MAPAtK, 0.25)


def test_rows_without_relevant_items_carry_no_weight():
    contract.check_rows_without_relevant_items(MAPAtK)


def test_bad_input():
    contract.check_bad_input(MAPAtK, map_at_k)
