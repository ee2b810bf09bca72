import numpy as np
import pytest
from _next_item_checks import INVALID_ARGUMENTS
from _next_item_checks import MAX_LEN
from _next_item_checks import NUM_ITEMS
from _next_item_checks import check_candidates_out_of_range
from _next_item_checks import check_candidates_score_like_the_catalog
from _next_item_checks import check_fit_predict_save_evaluate
from _next_item_checks import check_invalid_arguments
from _next_item_checks import check_learns_a_deterministic_successor
from _next_item_checks import check_learns_with_sampled_negatives
from _next_item_checks import check_one_object_scores_every_position
from _next_item_checks import check_output_layout
from _next_item_checks import check_refuses_wrong_length
from _next_item_checks import check_save_and_load

import keras_recsys
from keras_recsys.models import build_sasrec


def test_output_layout_and_padding_invariance():
    check_output_layout(build_sasrec)


def test_saves_and_loads_in_safe_mode():
    check_save_and_load(build_sasrec)
    check_save_and_load(build_sasrec, num_candidates=3)


def test_per_position_output_matches_predict():
    check_one_object_scores_every_position(build_sasrec)


def test_one_object_fits_predicts_saves_and_evaluates():
    check_fit_predict_save_evaluate(build_sasrec, **{"num_blocks": 1})


def test_out_of_range_candidates_are_never_scored_from_another_row():
    check_candidates_out_of_range(build_sasrec)


def test_refuses_sequences_of_another_length():
    check_refuses_wrong_length(build_sasrec)


def test_candidates_score_like_the_catalog():
    check_candidates_score_like_the_catalog(build_sasrec)


def test_learns_a_deterministic_successor():
    check_learns_a_deterministic_successor(build_sasrec, **{"num_blocks": 1})


def test_eager_call_rejects_unknown_items():
    model = build_sasrec(NUM_ITEMS, MAX_LEN, embedding_dim=4)
    with pytest.raises(ValueError, match="out of range"):
        model(np.array([[0, 0, 0, 0, 1, NUM_ITEMS + 1]]))


@pytest.mark.parametrize("kwargs", INVALID_ARGUMENTS)
def test_invalid_arguments(kwargs):
    check_invalid_arguments(build_sasrec, kwargs)


def test_public_path():
    assert keras_recsys.models.build_sasrec is build_sasrec


def test_learns_with_bpr_on_sampled_negatives():
    check_learns_with_sampled_negatives(
        build_sasrec, keras_recsys.losses.BPRLoss(), num_blocks=1
    )
