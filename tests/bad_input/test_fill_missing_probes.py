"""Bad-input probes of keras_recsys.data.fill_missing."""

import numpy as np
import pandas as pd
import pytest
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import value

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent


def _frame():
    return pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4],
            "age": [20.0, np.nan, 40.0, np.nan],
            "genre": ["a", None, "b", "a"],
        }
    )


def _fill(strategy, df=None):
    return lambda: krd.fill_missing(_frame() if df is None else df, strategy)


def _expected(column, fill):
    df = _frame()
    df[column] = df[column].fillna(fill)
    return df


ROWS = [
    ("zero into strings", _fill({"genre": "zero"}), error("genre")),
    ("mean of strings", _fill({"genre": "mean"}), error("genre")),
    ("median of strings", _fill({"genre": "median"}), error("genre")),
    ("unknown strategy", _fill({"age": "max"}), error("max")),
    ("unknown column", _fill({"height": "zero"}), error("height")),
    ("strategy a list", _fill(["zero"]), error("strategy")),
    ("strategy None", _fill(None), error("strategy")),
    ("df a dict", lambda: krd.fill_missing({"age": [1.0]}, "zero"), error("df")),
    ("zero", _fill({"age": "zero"}), value(lambda: _expected("age", 0.0))),
    ("mean", _fill({"age": "mean"}), value(lambda: _expected("age", 30.0))),
    ("median", _fill({"age": "median"}), value(lambda: _expected("age", 30.0))),
    (
        "mode of strings",
        _fill({"genre": "mode"}),
        value(lambda: _expected("genre", "a")),
    ),
    (
        "all-NaN column mean",
        _fill({"age": "mean"}, df=_frame().assign(age=np.nan)),
        error("age"),
    ),
]


@pytest.mark.parametrize("probe", params("fill_missing", ROWS))
def test_fill_missing(probe):
    check(probe)
