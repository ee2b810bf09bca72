"""What only SASRec has; the next-item contract is in test_next_item_builders.py."""

import numpy as np
import pytest
from _next_item_checks import MAX_LEN
from _next_item_checks import NUM_ITEMS
from _next_item_checks import check_learns_with_sampled_negatives

import keras_recsys
from keras_recsys.models import build_sasrec


def test_eager_call_rejects_unknown_items():
    model = build_sasrec(NUM_ITEMS, MAX_LEN, embedding_dim=4)
    with pytest.raises(ValueError, match="out of range"):
        model(np.array([[0, 0, 0, 0, 1, NUM_ITEMS + 1]]))


def test_learns_with_bpr_on_sampled_negatives():
    check_learns_with_sampled_negatives(
        build_sasrec, keras_recsys.losses.BPRLoss(), num_blocks=1
    )
