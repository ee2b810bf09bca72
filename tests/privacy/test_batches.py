import numpy as np
import pytest
import scipy.sparse as sp

from keras_recsys.privacy import PoissonBatches
from keras_recsys.privacy import UserGroupedBatches


@pytest.mark.backend_independent
def test_poisson_batches_draw_each_row_with_probability_q():
    x = np.arange(2000, dtype="float32").reshape(1000, 2)
    batches = PoissonBatches(x, x, sampling_probability=0.1, pad_to_multiple_of=32)
    assert len(batches) == 10
    counts = np.zeros(1000)
    sizes = []
    for _epoch in range(10):
        for i in range(len(batches)):
            bx, by, w = batches[i]
            assert bx.shape[0] % 32 == 0 and bx.shape == by.shape
            real = bx[w == 1]
            assert np.all(bx[w == 0] == 0)
            # Drawn rows are distinct rows of x, in order.
            rows = (real[:, 0] / 2).astype(int)
            np.testing.assert_array_equal(real, x[rows])
            assert len(np.unique(rows)) == len(rows)
            counts[rows] += 1
            sizes.append(len(rows))
        batches.on_epoch_end()
    # 100 draws per row: the mean frequency is q, batch sizes ~ Binomial(1000, q).
    assert counts.mean() / 100 == pytest.approx(0.1, abs=0.005)
    assert np.std(sizes) == pytest.approx(np.sqrt(1000 * 0.1 * 0.9), rel=0.3)


@pytest.mark.backend_independent
def test_poisson_batches_are_reproducible_and_densify_sparse_rows():
    dense = (np.random.default_rng(0).random((50, 7)) < 0.3).astype("float32")
    a = PoissonBatches(sp.csr_matrix(dense), dense, sampling_probability=0.3, seed=5)
    b = PoissonBatches(dense, dense, sampling_probability=0.3, seed=5)
    for i in (2, 0, 1):
        (ax, ay, aw), (bx, by, bw) = a[i], b[i]
        np.testing.assert_array_equal(by, bx)
        np.testing.assert_array_equal(ax, bx)
        np.testing.assert_array_equal(ax, ay)
        np.testing.assert_array_equal(aw, bw)
    first = a[0]
    a.on_epoch_end()
    assert not np.array_equal(a[0][2], first[2]) or not np.array_equal(
        a[0][0], first[0]
    )
    with pytest.raises(ValueError, match="sampling_probability"):
        PoissonBatches(dense, dense, sampling_probability=0.0)
    with pytest.raises(ValueError, match="same number of rows"):
        PoissonBatches(dense, dense[:3], sampling_probability=0.5)


@pytest.mark.backend_independent
def test_user_grouped_batches_bound_and_group_each_users_rows():
    rng = np.random.default_rng(1)
    users = rng.integers(0, 30, size=400)
    items = np.arange(400)
    labels = rng.random(400).astype("float32")
    batches = UserGroupedBatches(
        users,
        {"user_id": users, "item_id": items},
        labels,
        sampling_probability=0.5,
        max_rows_per_user=5,
        pad_to_multiple_of=4,
    )
    seen_users = []
    for i in range(len(batches)):
        bx, by, w = batches[i]
        assert bx["item_id"].shape == by.shape == w.shape
        assert w.shape[0] % 4 == 0 and w.shape[1] == 5
        for slot in range(w.shape[0]):
            real = w[slot] == 1
            if not real.any():
                continue
            rows = bx["item_id"][slot][real]
            # All rows of one slot belong to one user, without repeats, and
            # there are min(5, that user's rows) of them.
            assert len(set(users[rows])) == 1
            user = users[rows[0]]
            assert len(np.unique(rows)) == len(rows) == min(5, (users == user).sum())
            np.testing.assert_array_equal(bx["user_id"][slot][real], user)
            np.testing.assert_array_equal(by[slot][real], labels[rows])
            seen_users.append(user)
        # Each user appears at most once per step.
        assert len(seen_users) == len(set(seen_users))
        seen_users = []
    with pytest.raises(ValueError, match="max_rows_per_user"):
        UserGroupedBatches(users, items, labels, 0.5, max_rows_per_user=0)


@pytest.mark.parametrize(
    "settings", [{"workers": 2}, {"workers": 1, "use_multiprocessing": True}]
)
def test_batches_refuse_the_prefetching_enqueuer(settings):
    # Keras's enqueuer would draw steps with another epoch's seed on JAX and
    # PyTorch, so results would depend on `workers`.
    x = np.zeros((8, 2), dtype="float32")
    with pytest.raises(ValueError, match="workers=1 and use_multiprocessing"):
        PoissonBatches(x, x, sampling_probability=0.5, **settings)
    with pytest.raises(ValueError, match="workers=1 and use_multiprocessing"):
        UserGroupedBatches(np.arange(8) % 4, x, x, sampling_probability=0.5, **settings)
