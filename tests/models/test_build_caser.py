import pytest
from _next_item_checks import check_candidates_score_like_the_catalog
from _next_item_checks import check_learns_a_deterministic_successor
from _next_item_checks import check_output_layout
from _next_item_checks import check_save_and_load
from _next_item_checks import check_training_model_shares_weights

import keras_recsys
from keras_recsys.models import build_caser


def test_output_layout_and_padding_invariance():
    check_output_layout(build_caser)


def test_saves_and_loads_in_safe_mode():
    check_save_and_load(build_caser)
    check_save_and_load(build_caser, num_candidates=3)


def test_training_model_shares_weights():
    check_training_model_shares_weights(build_caser)


def test_candidates_score_like_the_catalog():
    check_candidates_score_like_the_catalog(build_caser)


def test_learns_a_deterministic_successor():
    check_learns_a_deterministic_successor(build_caser, **{"window": 3})


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"num_items": 0, "max_len": 4}, ValueError),
        ({"num_items": 5, "max_len": 0}, ValueError),
        ({"num_items": 5, "max_len": 4, "embedding_dim": 0}, ValueError),
        ({"num_items": 5, "max_len": 4, "num_candidates": 0}, ValueError),
        ({"num_items": 5, "max_len": 4, "return_sequences": "yes"}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(
        error, match="num_items|max_len|embedding_dim|num_candidates|return"
    ):
        build_caser(**kwargs)


def test_public_path():
    assert keras_recsys.models.build_caser is build_caser
