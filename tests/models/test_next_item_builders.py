"""The contract every next-item builder keeps (SASRec, GRU4Rec, Caser).

One parametrized suite over the builders, with the checks written once in
`_next_item_checks.py`; each builder's own file keeps what only it has.
"""

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

from keras_recsys.models import build_caser
from keras_recsys.models import build_gru4rec
from keras_recsys.models import build_sasrec

# builder, its arguments for the fit/evaluate check and for the learning check.
BUILDERS = {
    "caser": (build_caser, {"window": 3}, {"window": 3}),
    "gru4rec": (build_gru4rec, {"cell": "gru", "units": 6}, {"cell": "lstm"}),
    "sasrec": (build_sasrec, {"num_blocks": 1}, {"num_blocks": 1}),
}


@pytest.fixture(params=sorted(BUILDERS))
def builder(request):
    return BUILDERS[request.param]


def test_output_layout_and_padding_invariance(builder):
    check_output_layout(builder[0])


def test_saves_and_loads_in_safe_mode(builder):
    check_save_and_load(builder[0])
    check_save_and_load(builder[0], num_candidates=3)


def test_per_position_output_matches_predict(builder):
    check_one_object_scores_every_position(builder[0])


def test_one_object_fits_predicts_saves_and_evaluates(builder):
    build, fit_kwargs, _ = builder
    check_fit_predict_save_evaluate(build, **fit_kwargs)


def test_out_of_range_candidates_are_never_scored_from_another_row(builder):
    check_candidates_out_of_range(builder[0])


def test_refuses_sequences_of_another_length(builder):
    check_refuses_wrong_length(builder[0])


def test_candidates_score_like_the_catalog(builder):
    check_candidates_score_like_the_catalog(builder[0])


def test_learns_a_deterministic_successor(builder):
    build, _, learn_kwargs = builder
    check_learns_a_deterministic_successor(build, **learn_kwargs)


@pytest.mark.parametrize("kwargs", INVALID_ARGUMENTS)
def test_invalid_arguments(builder, kwargs):
    check_invalid_arguments(builder[0], kwargs)
