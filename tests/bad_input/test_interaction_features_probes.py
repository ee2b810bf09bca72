"""Bad-input probes of keras_recsys.data.interaction_features."""

import datetime

import numpy as np
import pandas as pd
import pytest
from _data_probes import NOT_INT
from _data_probes import NOT_POSITIVE
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent

GENRES = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], "float32")
SECONDS = [86400 * 3 + 3600 * 7, 86400 * 4 + 3600 * 22 + 59, 86400 * 10 + 1]


def _frame(times=SECONDS):
    return pd.DataFrame(
        {"user_id": [1, 1, 2], "item_id": [1, 3, 2], "timestamp": times}
    )


def _features(df=None, genres=GENRES, **kwargs):
    return lambda: krd.interaction_features(
        _frame() if df is None else df, genres, num_users=3, **kwargs
    )


def _times(seconds):
    # The calendar of the standard library, in UTC.
    out = {"hour": [], "day_of_week": [], "time_since_previous": []}
    last = {}
    for user, s in zip([1, 1, 2], seconds):
        t = datetime.datetime.fromtimestamp(s, tz=datetime.timezone.utc)
        out["hour"].append(t.hour)
        out["day_of_week"].append(t.weekday())
        out["time_since_previous"].append(
            np.log1p(s - last[user]) if user in last else 0.0
        )
        last[user] = s
    return {k: np.asarray(v, "float64") for k, v in out.items()}


def _time_features(df):
    def call():
        feats = krd.interaction_features(df, GENRES, num_users=3)
        return {k: np.asarray(feats[k], "float64") for k in _times(SECONDS)}

    return call


STAMPS = pd.to_datetime(SECONDS, unit="s")
TIME_KINDS = {
    "int seconds": SECONDS,
    "float seconds": [float(s) for s in SECONDS],
    "datetime64[ns]": STAMPS,
    "datetime64[s]": STAMPS.astype("datetime64[s]"),
    "tz UTC": STAMPS.tz_localize("UTC"),
    "tz New York": STAMPS.tz_localize("UTC").tz_convert("America/New_York"),
    "tz Kolkata": STAMPS.tz_localize("UTC").tz_convert("Asia/Kolkata"),
    "python datetimes": [
        datetime.datetime.fromtimestamp(s, tz=datetime.timezone.utc) for s in SECONDS
    ],
}

ROWS = [
    (
        f"same instants as {kind}",
        _time_features(_frame(list(times) if kind == "python datetimes" else times)),
        value(lambda: _times(SECONDS)),
    )
    for kind, times in TIME_KINDS.items()
]
ROWS += scalar_rows(
    "num_users",
    lambda v: krd.interaction_features(_frame(), GENRES, num_users=v),
    NOT_INT + NOT_POSITIVE,
)
ROWS += [
    (
        "string timestamps",
        _features(_frame(["2020-01-01", "2020-01-02", "2020-01-03"])),
        error("timestamp"),
    ),
    (
        "object timestamps mixed",
        _features(_frame([1, "2020-01-02", 3])),
        error("timestamp"),
    ),
    (
        "NaN genres",
        _features(genres=np.where(GENRES == 1, np.nan, GENRES)),
        error("item_genres"),
    ),
    (
        "inf genres",
        _features(genres=np.where(GENRES == 1, np.inf, GENRES)),
        error("item_genres"),
    ),
    ("1-D genres", _features(genres=GENRES[:, 0]), error("item_genres")),
    ("string genres", _features(genres=GENRES.astype(str)), error("item_genres")),
    (
        "item id past the genres",
        _features(_frame().assign(item_id=[1, 4, 2])),
        error("item_id"),
    ),
    (
        "negative item id",
        _features(_frame().assign(item_id=[1, -1, 2])),
        error("item_id"),
    ),
    (
        "float item ids",
        _features(_frame().assign(item_id=[1.5, 2.0, 2.0])),
        error("item_id"),
    ),
    (
        "user id past num_users",
        _features(_frame().assign(user_id=[1, 1, 3])),
        error("user_id"),
    ),
    (
        "string user ids",
        _features(_frame().assign(user_id=["1", "1", "2"])),
        error("user_id"),
    ),
    (
        "missing time column",
        _features(_frame().drop(columns="timestamp")),
        error("timestamp"),
    ),
    (
        "df not a frame",
        lambda: krd.interaction_features([1, 2], GENRES, num_users=3),
        error("df"),
    ),
]


@pytest.mark.parametrize("probe", params("interaction_features", ROWS))
def test_interaction_features(probe):
    check(probe)
