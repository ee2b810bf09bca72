import copy
import datetime

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_against_plain_loops():
    genres = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]], dtype="float32")
    df = pd.DataFrame(
        {
            "user_id": [0, 1, 0, 0, 1],
            "item_id": [0, 1, 2, 1, 3],
            "timestamp": [1_000_000, 50, 999_000, np.nan, 10_000_000],
        }
    )
    history = df.iloc[[0, 2]]
    before = copy.deepcopy(df)
    out = keras_recsys.data.interaction_features(df, genres, 2, history=history)
    pd.testing.assert_frame_equal(df, before)
    profile = {0: (genres[0] + genres[2]) / 2, 1: np.zeros(3)}
    for j, (u, i, t) in enumerate(zip(df.user_id, df.item_id, df.timestamp)):
        g = genres[i]
        expected = (profile[u] * g).sum() / max(g.sum(), 1)
        assert out["genre_affinity"][j] == pytest.approx(expected)
        if np.isnan(t):
            assert out["time_known"][j] == 0 and out["hour"][j] == 0
            continue
        when = datetime.datetime.fromtimestamp(t, tz=datetime.timezone.utc)
        assert out["hour"][j] == when.hour
        assert out["day_of_week"][j] == when.weekday()
        earlier = [s for uu, s in zip(df.user_id, df.timestamp) if uu == u and s < t]
        if earlier:
            assert out["time_since_previous"][j] == pytest.approx(
                np.log1p(t - max(earlier))
            )
        else:
            assert out["has_previous"][j] == 0


def test_bad_genres():
    df = pd.DataFrame({"user_id": [0], "item_id": [3], "timestamp": [0]})
    with pytest.raises(ValueError, match="2-D"):
        keras_recsys.data.interaction_features(df, np.zeros(4), 1)
    with pytest.raises(ValueError, match="outside"):
        keras_recsys.data.interaction_features(df, np.zeros((2, 2)), 1)
