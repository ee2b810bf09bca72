import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def frame():
    return pd.DataFrame(
        {
            "user_id": [1.0, 2.0, np.nan, 4.0],
            "rating": [4.0, np.nan, 2.0, 3.0],
            "genre": ["a", None, "b", "b"],
        }
    )


def test_strategies():
    df = frame()
    before = copy.deepcopy(df)
    out = keras_recsys.data.fill_missing(
        df, {"user_id": "drop", "rating": "mean", "genre": "mode"}
    )
    pd.testing.assert_frame_equal(df, before)
    assert out["user_id"].tolist() == [1.0, 2.0, 4.0]
    assert out["rating"].tolist() == [4.0, 3.0, 3.0]
    assert out["genre"].tolist() == ["a", "b", "b"]
    out = keras_recsys.data.fill_missing(
        df, {"rating": "median", "genre": ("constant", "none"), "user_id": "zero"}
    )
    assert out["rating"].tolist() == [4.0, 3.0, 2.0, 3.0]
    assert out["genre"].tolist() == ["a", "none", "b", "b"]
    assert out["user_id"].tolist() == [1.0, 2.0, 0.0, 4.0]


def test_one_strategy_for_all_missing_columns():
    out = keras_recsys.data.fill_missing(frame(), "drop")
    assert len(out) == 2


@pytest.mark.parametrize(
    "strategy,match",
    [
        ({"nope": "mean"}, "nope"),
        ({"genre": "mean"}, "numeric"),
        ({"rating": "average"}, "Unknown fill strategy"),
    ],
)
def test_bad_strategy(strategy, match):
    with pytest.raises(ValueError, match=match):
        keras_recsys.data.fill_missing(frame(), strategy)
