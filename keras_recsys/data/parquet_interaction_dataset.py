import numpy as np

from keras_recsys.utils.validation import check_int


def _pyarrow_parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ImportError(
            "ParquetInteractionDataset reads Parquet with pyarrow: "
            "`pip install keras-recsys[data]` (or `pip install pyarrow`)."
        ) from error
    return pq


class ParquetInteractionDataset:
    """Streams batches of interactions from Parquet files, in bounded memory.

    The interactions (one row per `(user, item)` pair) live in one or more
    Parquet files; nothing reads the whole table. The unit of work is a row
    group: the row groups of all files are dealt round-robin to
    `num_workers` workers (worker `worker_index` reads only its own, so each
    process of a multi-worker run sees a disjoint shard), and each epoch a
    worker visits its row groups in a fresh random order, fills a shuffle
    buffer of about `shuffle_buffer` rows, shuffles it and emits batches.
    Memory is bounded by the buffer plus one row group, whatever the size of
    the data.

    Each batch is `(x, y)` with `x = {user_input: (B,), item_input: (B,)}`
    int32 and `y` the item ids `(B,)` (the layout of
    `keras_recsys.losses.InBatchSoftmaxLoss`, whose in-batch negatives need
    nothing more), or `label_column` as float32. With `num_negatives > 0`,
    `x["negatives"]` holds `(B, num_negatives)` ids drawn uniformly from
    `1 .. num_items - 1` (code 0 is reserved and never drawn); a stream does not hold each user's whole
    history, so they are not checked against the user's positives (an
    accidental hit has probability about `history / num_items`).

    The batches of epoch `e` depend only on `(seed, e, worker_index)` and
    the files, not on timing. Iterate over the dataset for one epoch (each
    `iter` starts the next epoch), or pass `repeat()` to `model.fit` with
    `steps_per_epoch=len(dataset)`.

    Args:
        paths: a path or a list of paths of Parquet files (e.g. the shards
            of one table), read in the order given.
        batch_size: int. Rows per batch. Defaults to `1024`.
        user_column: str. Column of user ids. Defaults to `"user_id"`.
        item_column: str. Column of item ids. Defaults to `"item_id"`.
        label_column: optional str. A column returned as `y` (float32)
            instead of the item ids. Defaults to `None`.
        num_workers: int. Number of workers sharing the data. Defaults to
            `1`.
        worker_index: int in `[0, num_workers)`. This worker. Defaults to
            `0`.
        shuffle: bool. Whether to shuffle the row groups and the rows.
            Defaults to `True`.
        shuffle_buffer: int. Rows held for shuffling (the memory bound).
            Defaults to `262144`.
        num_negatives: int. Sampled negatives per row. Defaults to `0`.
        num_items: int. Size of the item id table
            (`IdEncoder.vocabulary_size`); needed for negatives. Defaults to
            `None`.
        drop_remainder: bool. Whether to drop a last smaller batch (all
            workers then take equal steps). Defaults to `False`.
        seed: int. Seed of the shuffling and the sampling. Defaults to `0`.
        user_input: str. Name of the user input. Defaults to `"user_id"`.
        item_input: str. Name of the item input. Defaults to `"item_id"`.

    Example:

    ```python
    import os
    import tempfile
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import keras_recsys

    path = os.path.join(tempfile.mkdtemp(), "part-0.parquet")
    table = pa.table({"user_id": np.arange(10), "item_id": np.arange(10) % 4 + 1})
    pq.write_table(table, path, row_group_size=4)
    ds = keras_recsys.data.ParquetInteractionDataset(
        path, batch_size=4, num_negatives=2, num_items=5
    )
    x, y = next(iter(ds))  # x["negatives"].shape == (4, 2)
    ```
    """

    def __init__(
        self,
        paths,
        batch_size=1024,
        user_column="user_id",
        item_column="item_id",
        label_column=None,
        num_workers=1,
        worker_index=0,
        shuffle=True,
        shuffle_buffer=262144,
        num_negatives=0,
        num_items=None,
        drop_remainder=False,
        seed=0,
        user_input="user_id",
        item_input="item_id",
    ):
        pq = _pyarrow_parquet()
        paths = (
            [paths]
            if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__")
            else list(paths)
        )
        if not paths:
            raise ValueError("`paths` is empty: give at least one Parquet file.")
        self.paths = [str(p) for p in paths]
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.num_workers = check_int("num_workers", num_workers, min_value=1)
        self.worker_index = check_int("worker_index", worker_index, min_value=0)
        if self.worker_index >= self.num_workers:
            raise ValueError(
                "`worker_index` must be < num_workers. Received: "
                f"worker_index={worker_index}, num_workers={num_workers}"
            )
        self.shuffle_buffer = check_int("shuffle_buffer", shuffle_buffer, min_value=1)
        self.num_negatives = check_int("num_negatives", num_negatives, min_value=0)
        self.num_items = (
            None
            if num_items is None
            else check_int("num_items", num_items, min_value=2)
        )
        if self.num_negatives and self.num_items is None:
            raise ValueError("`num_negatives > 0` needs `num_items`.")
        self.seed = check_int("seed", seed, min_value=0)
        self.shuffle = bool(shuffle)
        self.drop_remainder = bool(drop_remainder)
        self.user_column = user_column
        self.item_column = item_column
        self.label_column = label_column
        self.user_input = user_input
        self.item_input = item_input
        self.columns = [user_column, item_column] + (
            [label_column] if label_column is not None else []
        )
        # Only the footers are read here: (file, row group, rows).
        units = []
        for path in self.paths:
            meta = pq.ParquetFile(path).metadata
            names = set(meta.schema.names)
            missing = [c for c in self.columns if c not in names]
            if missing:
                raise ValueError(
                    f"Parquet file {path!r} has no column(s) {missing}. Its "
                    f"columns are {sorted(names)}."
                )
            for group in range(meta.num_row_groups):
                units.append((path, group, meta.row_group(group).num_rows))
        self._units = units[self.worker_index :: self.num_workers]
        self.num_rows = int(sum(rows for _, _, rows in self._units))
        if self.num_rows == 0:
            raise ValueError(
                f"Worker {self.worker_index} of {self.num_workers} has no rows: "
                f"the files hold {len(units)} row group(s); write smaller row "
                "groups or use fewer workers."
            )
        self.epoch = 0

    def __len__(self):
        full, rest = divmod(self.num_rows, self.batch_size)
        return full + (1 if rest and not self.drop_remainder else 0)

    def _read(self, path, group):
        pq = _pyarrow_parquet()
        table = pq.ParquetFile(path).read_row_group(group, columns=self.columns)
        return [table.column(c).to_numpy() for c in self.columns]

    def _buffers(self, rng):
        """Yields shuffled column blocks of about `shuffle_buffer` rows."""
        order = (
            rng.permutation(len(self._units))
            if self.shuffle
            else range(len(self._units))
        )
        held, size = [], 0
        for unit in order:
            path, group, _ = self._units[unit]
            held.append(self._read(path, group))
            size += len(held[-1][0])
            if size >= self.shuffle_buffer:
                yield self._merge(held, rng)
                held, size = [], 0
        if held:
            yield self._merge(held, rng)

    def _merge(self, blocks, rng):
        columns = [np.concatenate(parts) for parts in zip(*blocks)]
        if self.shuffle:
            perm = rng.permutation(len(columns[0]))
            columns = [c[perm] for c in columns]
        return columns

    def _batch(self, columns, rng):
        users = columns[0].astype("int32")
        items = columns[1].astype("int32")
        x = {self.user_input: users, self.item_input: items}
        if self.num_negatives:
            x["negatives"] = rng.integers(
                1,  # code 0 is reserved: never a negative
                self.num_items,
                size=(len(items), self.num_negatives),
                dtype="int32",
            )
        y = columns[2].astype("float32") if self.label_column is not None else items
        return x, y

    def __iter__(self):
        epoch, self.epoch = self.epoch, self.epoch + 1
        rng = np.random.default_rng([self.seed, epoch, self.worker_index])
        carry = None
        for columns in self._buffers(rng):
            if carry is not None:
                columns = [np.concatenate(pair) for pair in zip(carry, columns)]
            size = len(columns[0])
            full = size - size % self.batch_size
            for start in range(0, full, self.batch_size):
                stop = start + self.batch_size
                yield self._batch([c[start:stop] for c in columns], rng)
            carry = [c[full:] for c in columns] if full < size else None
        if carry is not None and not self.drop_remainder:
            yield self._batch(carry, rng)

    def repeat(self):
        """Yields the batches of epoch after epoch, for `model.fit`."""
        while True:
            yield from iter(self)
