"""Bad-input probes of the split functions of keras_recsys.data.

random_split, temporal_split, per_user_temporal_split, leave_last_out and
heldout_user_split share one ratio/count vocabulary, so one table holds them.
"""

import numpy as np
import pandas as pd
import pytest
from _data_probes import NOT_FINITE
from _data_probes import NOT_INT
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value
from _frames import ratings
from _frames import with_column

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent

BAD_RATIOS = [
    (0.5, 0.6),
    (1.2, -0.2),
    (np.nan, 1.0),
    (0.5, np.inf),
    (),
    "0.8,0.2",
    0.8,
]
SPLITS = {
    "random_split": lambda df, **kw: krd.random_split(df, seed=0, **kw),
    "temporal_split": krd.temporal_split,
    "per_user_temporal_split": krd.per_user_temporal_split,
}


def _leave_last_out_reference():
    # Per user, the latest row is the test row, the others train.
    df = ratings().sort_values(["user_id", "timestamp"], kind="stable")
    rank = df.groupby("user_id").cumcount(ascending=False)
    return (df[rank >= 1], df[rank == -1], df[rank == 0])


def _temporal_reference():
    df = ratings().sort_values("timestamp", kind="stable")
    return df.iloc[:3], df.iloc[3:]


def _sorted(parts):
    return [p.sort_index() for p in parts]


ROWS = []
for name, split in SPLITS.items():
    ROWS += [
        (
            f"{name} ratios={r!r}",
            (lambda r=r, s=split: s(ratings(), ratios=r)),
            error("ratios"),
        )
        for r in BAD_RATIOS
    ]
    ROWS.append(
        (f"{name} empty df", lambda s=split: s(ratings().iloc[:0]), error("df"))
    )
ROWS += [
    (
        "random_split seed=-1",
        lambda: krd.random_split(ratings(), seed=-1),
        error("seed"),
    ),
    (
        "random_split seed=1.5",
        lambda: krd.random_split(ratings(), seed=1.5),
        error("seed"),
    ),
    (
        "random_split seed='0'",
        lambda: krd.random_split(ratings(), seed="0"),
        error("seed"),
    ),
    (
        "random_split seed=True",
        lambda: krd.random_split(ratings(), seed=True),
        error("seed"),
    ),
    (
        "temporal_split string times",
        lambda: krd.temporal_split(with_column("timestamp", ["2020"] * 6)),
        error("timestamp"),
    ),
    (
        "temporal_split missing column",
        lambda: krd.temporal_split(ratings(), time_col="t"),
        error("'t'"),
    ),
    (
        "temporal_split halves",
        lambda: _sorted(krd.temporal_split(ratings(), ratios=(0.5, 0.5))),
        value(lambda: _sorted(_temporal_reference())),
    ),
    (
        "random_split keeps every row once",
        lambda: pd.concat(krd.random_split(ratings(), seed=3)).sort_index(),
        value(ratings),
    ),
]
for arg in ("n_test", "n_val", "min_train"):
    ROWS += scalar_rows(
        arg, lambda v, a=arg: krd.leave_last_out(ratings(), **{a: v}), NOT_INT + [-1]
    )
ROWS += [
    (
        "leave_last_out n_val=0",
        lambda: _sorted(krd.leave_last_out(ratings(), n_val=0)),
        value(lambda: _sorted(_leave_last_out_reference())),
    ),
]
for arg in ("n_val_users", "n_test_users", "min_events"):
    ROWS += scalar_rows(
        arg,
        lambda v, a=arg: krd.heldout_user_split(
            ratings(), **{"n_val_users": 1, "n_test_users": 1, "min_events": 1, a: v}
        ),
        NOT_INT + [-1],
    )
ROWS += scalar_rows(
    "test_fraction",
    lambda v: krd.heldout_user_split(
        ratings(), 1, 1, test_fraction=v, min_events=1, seed=0
    ),
    NOT_FINITE + [1.5, -0.5, "0.2"],
)
ROWS += [
    (
        "heldout_user_split too many users",
        lambda: krd.heldout_user_split(ratings(), 2, 2, min_events=1, seed=0),
        error("n_val_users|n_test_users", match="n_val_users|n_test_users|users"),
    ),
    (
        "heldout_user_split seed=-3",
        lambda: krd.heldout_user_split(ratings(), 1, 1, min_events=1, seed=-3),
        error("seed"),
    ),
]


@pytest.mark.parametrize("probe", params("splits", ROWS))
def test_splits(probe):
    check(probe)
