import copy
import functools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _data_frames import SETTINGS
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@st.composite
def positives(draw):
    num_items = draw(st.integers(3, 30))
    num_users = draw(st.integers(1, 8))
    rows = [
        draw(st.sets(st.integers(0, num_items - 1), max_size=num_items - 2))
        for _ in range(num_users)
    ]
    return num_items, [np.array(sorted(r), dtype="int64") for r in rows]


@settings(**SETTINGS)
@given(
    positives(),
    st.integers(0, 1000),
    st.sampled_from(["uniform", "popularity"]),
)
def test_never_a_positive(data, seed, strategy):
    num_items, rows = data
    first_item = 1  # code 0 is reserved: never drawn
    # As many negatives as the tightest user allows (distinct per row).
    room = min(num_items - first_item - int((r >= first_item).sum()) for r in rows)
    if room < 1:
        return
    num_negatives = min(room, 4)
    users = np.repeat(np.arange(len(rows)), 3)
    before = copy.deepcopy(rows)
    draw = functools.partial(
        keras_recsys.data.sample_negatives,
        users,
        rows,
        num_items=num_items,
        num_negatives=num_negatives,
        strategy=strategy,
        seed=seed,
    )
    out = draw()
    for a, b in zip(rows, before):
        np.testing.assert_array_equal(a, b)
    assert out.shape == (users.size, num_negatives)
    for u, row in zip(users, out):
        assert not set(row.tolist()) & set(rows[u].tolist())
        assert len(set(row.tolist())) == num_negatives
        assert row.min() >= first_item and row.max() < num_items
    np.testing.assert_array_equal(out, draw())  # the same seed, the same draw


def test_input_forms_agree():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"user_id": rng.integers(0, 20, 300), "item_id": rng.integers(0, 50, 300)}
    )
    m = sp.csr_matrix((np.ones(300), (df.user_id, df.item_id)), shape=(20, 50))
    lists = [df.item_id[df.user_id == u].to_numpy() for u in range(20)]
    users = np.arange(20).repeat(5)
    kw = dict(num_items=50, num_negatives=3, seed=7)
    a = keras_recsys.data.sample_negatives(users, df, **kw)
    b = keras_recsys.data.sample_negatives(users, m, **kw)
    c = keras_recsys.data.sample_negatives(users, lists, **kw)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_uniform_and_popularity_distributions():
    # One user with no positives: frequencies follow the chosen distribution.
    counts = np.array([1, 1, 1, 1, 100, 100, 100, 100], dtype=float)
    users = np.zeros(40000, dtype="int64")
    uniform = keras_recsys.data.sample_negatives(
        users, [np.array([], "int64")], 8, 1, seed=0
    )
    freq = np.bincount(uniform[:, 0], minlength=8) / users.size
    # Code 0 is reserved: never drawn; the 7 others are equally likely.
    assert freq[0] == 0
    np.testing.assert_allclose(freq[1:], 1 / 7, atol=0.01)
    pop = keras_recsys.data.sample_negatives(
        users,
        [np.array([], "int64")],
        8,
        1,
        strategy="popularity",
        item_counts=counts,
        seed=0,
    )
    freq = np.bincount(pop[:, 0], minlength=8) / users.size
    assert freq[0] == 0
    np.testing.assert_allclose(freq[1:], counts[1:] / counts[1:].sum(), atol=0.01)


def test_large_catalog_uses_sorted_keys():
    # Beyond the bitset size the membership test uses np.searchsorted.
    rng = np.random.default_rng(1)
    num_items = 2_000_000
    users = rng.integers(0, 40, 2000)
    items = rng.integers(0, 20, 2000)
    df = pd.DataFrame({"user_id": users, "item_id": items})
    out = keras_recsys.data.sample_negatives(
        users,
        df,
        num_items=num_items,
        num_negatives=2,
        seed=0,
        strategy="popularity",
    )
    pos = set(zip(users.tolist(), items.tolist()))
    assert not any((u, n) in pos for u, row in zip(users, out) for n in row)


def test_crowded_user_falls_back_to_exact_sampling():
    # User 0 interacted with all items but 2 and 5: both must come out.
    rows = [np.array([0, 1, 3, 4, 6, 7, 8, 9])]
    out = keras_recsys.data.sample_negatives(
        np.zeros(50, dtype="int64"), rows, 10, 2, seed=0
    )
    assert all(sorted(r) == [2, 5] for r in out.tolist())


def test_too_many_negatives():
    with pytest.raises(ValueError, match="only 2 non-interacted"):
        keras_recsys.data.sample_negatives(
            np.array([0]), [np.array([0, 1, 3])], num_items=5, num_negatives=3
        )


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(user_ids=np.array([0.5])), "integer"),
        (dict(user_ids=np.array([np.nan])), "NaN"),
        (dict(positives=[np.array([7])]), "outside"),
        (dict(strategy="zipf"), "strategy"),
        (dict(num_negatives=0), "num_negatives"),
        (dict(user_ids=np.array([], dtype=int)), "empty"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(
        user_ids=np.array([0]), positives=[np.array([1])], num_items=5, num_negatives=1
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        keras_recsys.data.sample_negatives(**args)
