"""What only GRU4Rec has; the next-item contract is in test_next_item_builders.py."""

import pytest
from _next_item_checks import MAX_LEN
from _next_item_checks import NUM_ITEMS
from _next_item_checks import check_save_and_load

from keras_recsys.models import build_gru4rec


def test_gru_cell_and_projection():
    model = build_gru4rec(NUM_ITEMS, MAX_LEN, cell="gru", embedding_dim=4, units=6)
    assert model.get_layer("rnn_encoder").projection.units == 4
    check_save_and_load(build_gru4rec, cell="gru", units=6, num_layers=2)
    with pytest.raises(ValueError, match="cell"):
        build_gru4rec(NUM_ITEMS, MAX_LEN, cell="rnn")
