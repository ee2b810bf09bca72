import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import checked_split
from _data_frames import interaction_frames
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@settings(**SETTINGS)
@given(
    interaction_frames(),
    st.sampled_from([(0.8, 0.2), (0.5, 0.3, 0.2), (1.0, 0.0), (0.6, 0.2, 0.1, 0.1)]),
    st.integers(0, 10),
)
def test_partitions_and_reproducible(df, ratios, seed):
    parts = checked_split(keras_recsys.data.random_split, df, ratios, seed=seed)
    # Sizes follow round(n * cumulative ratio).
    bounds = [round(len(df) * c) for c in np.cumsum((0.0,) + ratios)]
    bounds[-1] = len(df)
    assert [len(p) for p in parts] == list(np.diff(bounds))


def test_seeds_differ():
    df = pd.DataFrame({"user_id": np.arange(200), "item_id": np.arange(200)})
    a = keras_recsys.data.random_split(df, (0.5, 0.5), seed=1)[0]
    b = keras_recsys.data.random_split(df, (0.5, 0.5), seed=2)[0]
    assert set(a.index) != set(b.index)


@pytest.mark.parametrize(
    "ratios,match",
    [((0.8, 0.3), "sum to 1"), ((1.2, -0.2), ">= 0"), ((1.0,), "two parts")],
)
def test_bad_ratios(ratios, match):
    df = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2]})
    with pytest.raises(ValueError, match=match):
        keras_recsys.data.random_split(df, ratios)


def test_empty_frame():
    with pytest.raises(ValueError, match="empty"):
        keras_recsys.data.random_split(pd.DataFrame({"user_id": []}), (0.5, 0.5))
