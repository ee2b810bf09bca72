"""Bad-input probes of keras_recsys.data.binarize."""

import numpy as np
import pytest
from _data_probes import NOT_FINITE
from _data_probes import NOT_NUMBER
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value
from _frames import ratings
from _frames import with_column

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent


def _binarize(df=None, **kwargs):
    return lambda: krd.binarize(ratings() if df is None else df, **kwargs)


def _reference(threshold, drop_negatives=True):
    df = ratings()
    df["rating"] = (df["rating"] >= threshold).astype(df["rating"].dtype)
    if drop_negatives:
        df = df[df["rating"] > 0]
    return df


ROWS = scalar_rows(
    "threshold",
    lambda v: krd.binarize(ratings(), threshold=v),
    NOT_FINITE + NOT_NUMBER + [True],
) + [
    ("missing rating column", _binarize(rating_col="score"), error("score")),
    ("df is a dict", _binarize(df={"rating": [1.0]}), error("df")),
    (
        "string ratings",
        _binarize(df=with_column("rating", ["5"] * 6)),
        error("rating"),
    ),
    (
        "NaN rating",
        _binarize(df=with_column("rating", [5.0, np.nan, 4.0, 1.0, 2.0, 4.5])),
        error("rating", match="missing rating"),
    ),
    (
        "drop_negatives='yes'",
        _binarize(drop_negatives="yes"),
        error("drop_negatives"),
    ),
    (
        "threshold above every rating",
        _binarize(threshold=6),
        value(lambda: _reference(6)),
    ),
    (
        "threshold 4 keeps 4 and above",
        _binarize(threshold=4),
        value(lambda: _reference(4)),
    ),
    (
        "integer threshold",
        _binarize(threshold=np.int64(3)),
        value(lambda: _reference(3)),
    ),
    (
        "keep negatives",
        _binarize(threshold=4.5, drop_negatives=False),
        value(lambda: _reference(4.5, drop_negatives=False)),
    ),
    (
        "empty frame",
        _binarize(df=ratings().iloc[:0]),
        error("df"),
    ),
]


@pytest.mark.parametrize("probe", params("binarize", ROWS))
def test_binarize(probe):
    check(probe)
