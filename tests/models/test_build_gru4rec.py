import pytest
from _next_item_checks import INVALID_ARGUMENTS
from _next_item_checks import MAX_LEN
from _next_item_checks import NUM_ITEMS
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
from keras_recsys.models import build_gru4rec


def test_output_layout_and_padding_invariance():
    check_output_layout(build_gru4rec)


def test_saves_and_loads_in_safe_mode():
    check_save_and_load(build_gru4rec)
    check_save_and_load(build_gru4rec, num_candidates=3)


def test_per_position_output_matches_predict():
    check_one_object_scores_every_position(build_gru4rec)


def test_one_object_fits_predicts_saves_and_evaluates():
    check_fit_predict_save_evaluate(build_gru4rec, **{"cell": "gru", "units": 6})


def test_out_of_range_candidates_are_never_scored_from_another_row():
    check_candidates_out_of_range(build_gru4rec)


def test_refuses_sequences_of_another_length():
    check_refuses_wrong_length(build_gru4rec)


def test_candidates_score_like_the_catalog():
    check_candidates_score_like_the_catalog(build_gru4rec)


def test_learns_a_deterministic_successor():
    check_learns_a_deterministic_successor(build_gru4rec, **{"cell": "lstm"})


@pytest.mark.parametrize("kwargs", INVALID_ARGUMENTS)
def test_invalid_arguments(kwargs):
    check_invalid_arguments(build_gru4rec, kwargs)


def test_public_path():
    assert keras_recsys.models.build_gru4rec is build_gru4rec


def test_gru_cell_and_projection():
    model = build_gru4rec(NUM_ITEMS, MAX_LEN, cell="gru", embedding_dim=4, units=6)
    assert model.get_layer("rnn_encoder").projection.units == 4
    check_save_and_load(build_gru4rec, cell="gru", units=6, num_layers=2)
    with pytest.raises(ValueError, match="cell"):
        build_gru4rec(NUM_ITEMS, MAX_LEN, cell="rnn")
