import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_rules_against_plain_formulas():
    rng = np.random.default_rng(0)
    values = np.r_[rng.normal(3, 1, 200), [40.0, -30.0, np.nan]]
    df = pd.DataFrame({"user_id": np.arange(values.size) % 7, "rating": values})
    before = copy.deepcopy(df)

    out = keras_recsys.data.remove_outliers(df, "rating", valid_range=(0, 5))
    pd.testing.assert_frame_equal(df, before)
    keep = [i for i, v in enumerate(values) if np.isnan(v) or 0 <= v <= 5]
    assert list(out.index) == keep

    q1, q3 = np.percentile(values[~np.isnan(values)], [25, 75])
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    out = keras_recsys.data.remove_outliers(df, "rating", method="iqr")
    assert list(out.index) == [
        i for i, v in enumerate(values) if np.isnan(v) or lo <= v <= hi
    ]

    known = values[~np.isnan(values)]
    mean, std = known.mean(), known.std()
    out = keras_recsys.data.remove_outliers(df, "rating", method="zscore", threshold=2)
    assert list(out.index) == [
        i for i, v in enumerate(values) if np.isnan(v) or abs(v - mean) / std <= 2
    ]


def test_users_with_too_many_events():
    df = pd.DataFrame({"user_id": [1, 1, 1, 2, 3, 3], "item_id": range(6)})
    out = keras_recsys.data.remove_outliers(df, max_user_events=2)
    assert out["user_id"].tolist() == [2, 3, 3]


def test_bad_input():
    df = pd.DataFrame({"user_id": [1], "rating": ["x"]})
    with pytest.raises(ValueError, match="at least one rule"):
        keras_recsys.data.remove_outliers(df)
    with pytest.raises(ValueError, match="numeric"):
        keras_recsys.data.remove_outliers(df, "rating", valid_range=(1, 5))
    with pytest.raises(ValueError, match="missing column"):
        keras_recsys.data.remove_outliers(df, "score", valid_range=(1, 5))
    df = pd.DataFrame({"user_id": [1], "rating": [1.0]})
    with pytest.raises(ValueError, match="method"):
        keras_recsys.data.remove_outliers(df, "rating", method="mad")
