"""Hypothesis strategies and plain-numpy helpers shared by the data tests."""

import copy

import numpy as np
import pandas as pd
from hypothesis import strategies as st

# Examples, seed and database come from the profile in tests/conftest.py.
SETTINGS = dict(deadline=None)


@st.composite
def interaction_frames(draw, max_rows=40, max_users=6, max_items=10, nan_times=True):
    """Small interaction DataFrames with repeated times and optional NaN times."""
    n = draw(st.integers(1, max_rows))
    users = draw(st.lists(st.integers(0, max_users - 1), min_size=n, max_size=n))
    items = draw(st.lists(st.integers(0, max_items - 1), min_size=n, max_size=n))
    time_values = st.integers(0, 15).map(float)
    if nan_times:
        time_values = st.one_of(time_values, st.just(float("nan")))
    times = draw(st.lists(time_values, min_size=n, max_size=n))
    df = pd.DataFrame(
        {
            "user_id": np.asarray(users, dtype="int64"),
            "item_id": np.asarray(items, dtype="int64"),
            "rating": np.arange(n, dtype="float32") % 5 + 1,
            "timestamp": np.asarray(times, dtype="float64"),
        }
    )
    # A non-default index: splits must keep the caller's labels.
    df.index = np.arange(n) * 3 + 100
    return df


def assert_partition(df, parts):
    """Every row of `df` is in exactly one part, unchanged."""
    labels = np.concatenate([p.index.to_numpy() for p in parts])
    assert len(labels) == len(df)
    assert sorted(labels.tolist()) == sorted(df.index.tolist())
    for p in parts:
        pd.testing.assert_frame_equal(p, df.loc[p.index])


def checked_split(split, df, ratios, **kwargs):
    """`split(df, ratios, **kwargs)`, checked: the caller's frame is left
    unchanged, the parts partition it, and a second call gives the same
    parts. Returns the parts."""
    before = copy.deepcopy(df)
    parts = split(df, ratios, **kwargs)
    pd.testing.assert_frame_equal(df, before)
    assert len(parts) == len(ratios)
    assert_partition(df, parts)
    for a, b in zip(parts, split(df, ratios, **kwargs)):
        pd.testing.assert_frame_equal(a, b)
    return parts


def ordered_times(part):
    """A part's timestamps with missing times as the oldest (-inf)."""
    return np.nan_to_num(part["timestamp"].to_numpy(), nan=-np.inf)


def time_rank_key(t):
    """The documented ordering: NaN times count as older than every time."""
    return -np.inf if np.isnan(t) else t
