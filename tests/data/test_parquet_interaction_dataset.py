import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import keras_recsys

pytestmark = pytest.mark.backend_independent


def write_shards(folder, rows=(23, 17, 30), row_group_size=5):
    """Three Parquet files; row r of the table has user r, item r % 13 + 1."""
    paths, start = [], 0
    for i, n in enumerate(rows):
        users = np.arange(start, start + n)
        table = pa.table(
            {"user_id": users, "item_id": users % 13 + 1, "rating": users * 0.5}
        )
        path = folder / f"part-{i}.parquet"
        pq.write_table(table, path, row_group_size=row_group_size)
        paths.append(path)
        start += n
    return paths, start


def served(ds):
    batches = list(ds)
    users = np.concatenate([x["user_id"] for x, _ in batches])
    items = np.concatenate([x["item_id"] for x, _ in batches])
    return batches, users, items


def test_every_row_once_per_epoch_in_fresh_order(tmp_path):
    paths, total = write_shards(tmp_path)
    ds = keras_recsys.data.ParquetInteractionDataset(
        paths, batch_size=8, shuffle_buffer=12, seed=1
    )
    assert ds.num_rows == total and len(ds) == -(-total // 8)
    orders = []
    for _ in range(2):
        batches, users, items = served(ds)
        assert len(batches) == len(ds)
        assert [len(y) for _, y in batches[:-1]] == [8] * (len(batches) - 1)
        assert sorted(users.tolist()) == list(range(total))
        np.testing.assert_array_equal(items, users % 13 + 1)
        for x, y in batches:
            np.testing.assert_array_equal(y, x["item_id"])
            assert x["user_id"].dtype == np.int32
        orders.append(users)
    assert not np.array_equal(orders[0], orders[1])
    again = keras_recsys.data.ParquetInteractionDataset(
        paths, batch_size=8, shuffle_buffer=12, seed=1
    )
    np.testing.assert_array_equal(served(again)[1], orders[0])


def test_workers_read_disjoint_shards_that_cover_the_data(tmp_path):
    paths, total = write_shards(tmp_path)
    seen = []
    for worker in range(3):
        ds = keras_recsys.data.ParquetInteractionDataset(
            paths, batch_size=4, num_workers=3, worker_index=worker
        )
        users = served(ds)[1]
        assert len(users) == ds.num_rows
        seen.append(set(users.tolist()))
    assert set.union(*seen) == set(range(total))
    assert sum(len(s) for s in seen) == total


def test_unshuffled_order_labels_and_drop_remainder(tmp_path):
    paths, total = write_shards(tmp_path)
    ds = keras_recsys.data.ParquetInteractionDataset(
        paths, batch_size=10, shuffle=False, label_column="rating", drop_remainder=True
    )
    batches, users, _ = served(ds)
    assert len(batches) == total // 10 == len(ds)
    np.testing.assert_array_equal(users, np.arange(len(users)))
    for x, y in batches:
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, x["user_id"] * 0.5)


def test_negatives_in_range_and_fresh_each_epoch(tmp_path):
    paths, _ = write_shards(tmp_path)
    ds = keras_recsys.data.ParquetInteractionDataset(
        paths, batch_size=16, num_negatives=3, num_items=14, shuffle=False
    )
    first = np.concatenate([x["negatives"] for x, _ in ds])
    second = np.concatenate([x["negatives"] for x, _ in ds])
    assert first.shape[1] == 3 and first.min() >= 1 and first.max() <= 13
    assert not np.array_equal(first, second)
    # Uniform over the 13 ids: no id far from its expected count.
    counts = np.bincount(np.concatenate([first, second]).ravel(), minlength=14)[1:]
    assert counts.min() > 0


def test_memory_is_bounded_by_the_buffer(tmp_path, monkeypatch):
    paths, _ = write_shards(tmp_path, rows=(200,), row_group_size=10)
    ds = keras_recsys.data.ParquetInteractionDataset(
        paths, batch_size=5, shuffle_buffer=30
    )
    reads = []
    original = ds._read
    monkeypatch.setattr(ds, "_read", lambda *a: reads.append(a) or original(*a))
    stream = iter(ds)
    next(stream)
    # The first batch needed one buffer (3 row groups), not the 20 of the file.
    assert len(reads) == 3
    list(stream)
    assert len(reads) == 20


def test_repeat_runs_epoch_after_epoch(tmp_path):
    paths, total = write_shards(tmp_path)
    ds = keras_recsys.data.ParquetInteractionDataset(paths, batch_size=total)
    stream = ds.repeat()
    a, b = next(stream), next(stream)
    assert sorted(a[0]["user_id"]) == sorted(b[0]["user_id"]) == list(range(total))
    assert ds.epoch == 2


def test_invalid_arguments(tmp_path):
    paths, _ = write_shards(tmp_path)
    make = keras_recsys.data.ParquetInteractionDataset
    with pytest.raises(ValueError, match="worker_index"):
        make(paths, num_workers=2, worker_index=2)
    with pytest.raises(ValueError, match="num_items"):
        make(paths, num_negatives=2)
    with pytest.raises(ValueError, match=r"no column\(s\) \['uid'\]"):
        make(paths, user_column="uid")
    with pytest.raises(ValueError, match="empty"):
        make([])
    with pytest.raises(ValueError, match="has no rows"):
        make(paths[:1], num_workers=9, worker_index=8)
    with pytest.raises(TypeError, match="batch_size"):
        make(paths, batch_size=2.5)
