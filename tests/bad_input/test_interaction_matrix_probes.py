"""Bad-input probes of keras_recsys.data.interaction_matrix."""

import numpy as np
import pytest
import scipy.sparse as sp
from _data_probes import NOT_INT
from _data_probes import NOT_POSITIVE
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value
from _frames import ratings
from _frames import with_column

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent


def _matrix(df=None, **kwargs):
    kwargs = {"num_users": 4, "num_items": 4, **kwargs}
    return lambda: krd.interaction_matrix(ratings() if df is None else df, **kwargs)


def _reference(values=None, duplicate_sum=True):
    df = ratings()
    dense = np.zeros((4, 4))
    for u, i, r in zip(df.user_id, df.item_id, df.rating):
        dense[u, i] += 1.0 if values is None else r
    return sp.csr_matrix(dense)


ROWS = []
for name in ("num_users", "num_items"):
    ROWS += scalar_rows(
        name,
        lambda v, n=name: krd.interaction_matrix(
            ratings(), **{"num_users": 4, "num_items": 4, n: v}
        ),
        NOT_INT + NOT_POSITIVE,
    )
ROWS += [
    (
        "numeric-string user ids",
        _matrix(with_column("user_id", ["1", "1", "2", "2", "3", "3"])),
        error("user_id"),
    ),
    (
        "numeric-string item ids",
        _matrix(with_column("item_id", ["1", "2", "2", "3", "1", "3"])),
        error("item_id"),
    ),
    (
        "float item ids 1.5",
        _matrix(with_column("item_id", [1.5, 2, 2, 3, 1, 3])),
        error("item_id"),
    ),
    (
        "NaN item id",
        _matrix(with_column("item_id", [np.nan, 2, 2, 3, 1, 3])),
        error("item_id"),
    ),
    (
        "bool item ids",
        _matrix(with_column("item_id", [True, False] * 3)),
        error("item_id"),
    ),
    (
        "negative user id",
        _matrix(with_column("user_id", [-1, 1, 2, 2, 3, 3])),
        error("user_id"),
    ),
    (
        "user id = num_users",
        _matrix(with_column("user_id", [4, 1, 2, 2, 3, 3])),
        error("user_id"),
    ),
    (
        "item id = num_items",
        _matrix(with_column("item_id", [4, 2, 2, 3, 1, 3])),
        error("item_id"),
    ),
    (
        "raw id 10**12",
        _matrix(with_column("item_id", [10**12, 2, 2, 3, 1, 3])),
        error("item_id"),
    ),
    ("value_col missing", _matrix(value_col="score"), error("score")),
    (
        "value_col NaN",
        _matrix(with_column("rating", [np.nan, 1, 1, 1, 1, 1.0]), value_col="rating"),
        error("rating"),
    ),
    (
        "value_col strings",
        _matrix(with_column("rating", ["5"] * 6), value_col="rating"),
        error("rating"),
    ),
    ("dtype 'banana'", _matrix(dtype="banana"), error("dtype")),
    ("ones", _matrix(), value(_reference)),
    (
        "ratings as values",
        _matrix(value_col="rating"),
        value(lambda: _reference("rating")),
    ),
    (
        "integral float ids",
        _matrix(with_column("item_id", [1.0, 2, 2, 3, 1, 3])),
        value(_reference),
    ),
]


@pytest.mark.parametrize("probe", params("interaction_matrix", ROWS))
def test_interaction_matrix(probe):
    check(probe)
