"""Bad-input probes of keras_recsys.data.remove_outliers."""

import numpy as np
import pytest
from _data_probes import NOT_FINITE
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value
from _frames import ratings

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent


def _remove(**kwargs):
    return lambda: krd.remove_outliers(ratings(), **kwargs)


def _zscore_reference(threshold):
    df = ratings()
    r = df["rating"]
    z = (r - r.mean()) / r.std(ddof=0)
    return df[z.abs() <= threshold]


def _iqr_reference(threshold):
    df = ratings()
    q1, q3 = np.percentile(df["rating"], [25, 75])
    low, high = q1 - threshold * (q3 - q1), q3 + threshold * (q3 - q1)
    return df[(df["rating"] >= low) & (df["rating"] <= high)]


ROWS = []
for method in ("iqr", "zscore"):
    ROWS += scalar_rows(
        "threshold",
        lambda v, m=method: krd.remove_outliers(
            ratings(), column="rating", method=m, threshold=v
        ),
        NOT_FINITE + ["4", [4.0], True, -1.0],
    )
    ROWS = [
        (f"{method} {label}", *rest)
        if "=" in label and not label.startswith(("iqr", "zscore"))
        else (label, *rest)
        for label, *rest in ROWS
    ]
ROWS += [
    ("method='mad'", _remove(column="rating", method="mad"), error("method")),
    ("column missing", _remove(column="score", method="iqr"), error("score")),
    ("method without column", _remove(method="iqr"), error("column")),
    (
        "valid_range reversed",
        _remove(column="rating", valid_range=(5, 1)),
        error("valid_range"),
    ),
    (
        "valid_range of 3",
        _remove(column="rating", valid_range=(1, 2, 3)),
        error("valid_range"),
    ),
    (
        "valid_range NaN",
        _remove(column="rating", valid_range=(np.nan, 5)),
        error("valid_range"),
    ),
    ("max_user_events=0", _remove(max_user_events=0), error("max_user_events")),
    ("max_user_events=1.5", _remove(max_user_events=1.5), error("max_user_events")),
    ("max_user_events='2'", _remove(max_user_events="2"), error("max_user_events")),
    (
        "valid_range keeps the range",
        _remove(column="rating", valid_range=(2, 4)),
        value(lambda: ratings()[ratings()["rating"].between(2, 4)]),
    ),
    (
        "zscore threshold 1",
        _remove(column="rating", method="zscore", threshold=1.0),
        value(lambda: _zscore_reference(1.0)),
    ),
    (
        "iqr threshold 0.5",
        _remove(column="rating", method="iqr", threshold=0.5),
        value(lambda: _iqr_reference(0.5)),
    ),
    (
        "iqr default threshold",
        _remove(column="rating", method="iqr"),
        value(lambda: _iqr_reference(1.5)),
    ),
    (
        "zscore default threshold",
        _remove(column="rating", method="zscore"),
        value(lambda: _zscore_reference(3.0)),
    ),
    (
        "valid_range inf bound",
        _remove(column="rating", valid_range=(1, np.inf)),
        error("valid_range"),
    ),
    (
        "valid_range open low",
        _remove(column="rating", valid_range=(None, 3)),
        value(lambda: ratings()[ratings()["rating"] <= 3]),
    ),
    ("max_user_events=2 keeps all", _remove(max_user_events=2), value(ratings)),
]


@pytest.mark.parametrize("probe", params("remove_outliers", ROWS))
def test_remove_outliers(probe):
    check(probe)
