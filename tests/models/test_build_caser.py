import pytest
from _next_item_checks import INVALID_ARGUMENTS
from _next_item_checks import check_candidates_out_of_range
from _next_item_checks import check_candidates_score_like_the_catalog
from _next_item_checks import check_fit_predict_save_evaluate
from _next_item_checks import check_invalid_arguments
from _next_item_checks import check_learns_a_deterministic_successor
from _next_item_checks import check_one_object_scores_every_position
from _next_item_checks import check_output_layout
from _next_item_checks import check_refuses_wrong_length
from _next_item_checks import check_save_and_load

import keras_recsys
from keras_recsys.models import build_caser


def test_output_layout_and_padding_invariance():
    check_output_layout(build_caser)


def test_saves_and_loads_in_safe_mode():
    check_save_and_load(build_caser)
    check_save_and_load(build_caser, num_candidates=3)


def test_per_position_output_matches_predict():
    check_one_object_scores_every_position(build_caser)


def test_one_object_fits_predicts_saves_and_evaluates():
    check_fit_predict_save_evaluate(build_caser, **{"window": 3})


def test_out_of_range_candidates_are_never_scored_from_another_row():
    check_candidates_out_of_range(build_caser)


def test_refuses_sequences_of_another_length():
    check_refuses_wrong_length(build_caser)


def test_candidates_score_like_the_catalog():
    check_candidates_score_like_the_catalog(build_caser)


def test_learns_a_deterministic_successor():
    check_learns_a_deterministic_successor(build_caser, **{"window": 3})


@pytest.mark.parametrize("kwargs", INVALID_ARGUMENTS)
def test_invalid_arguments(kwargs):
    check_invalid_arguments(build_caser, kwargs)


def test_public_path():
    assert keras_recsys.models.build_caser is build_caser
