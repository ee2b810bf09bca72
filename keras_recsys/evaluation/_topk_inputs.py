"""The per-user inputs of `evaluate_topk`: rows of ids, batches, labels."""

import numpy as np


def num_rows(queries):
    if isinstance(queries, dict):
        if not queries:
            raise ValueError("`queries` must not be an empty dict.")
        lengths = {k: num_rows(v) for k, v in queries.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(
                f"All arrays of `queries` must have the same length. Received "
                f"lengths {lengths}"
            )
        return next(iter(lengths.values()))
    return queries.shape[0]


def take(queries, index):
    """Rows `index` of the queries (a batch); scipy sparse rows are densified."""
    if isinstance(queries, dict):
        return {k: take(v, index) for k, v in queries.items()}
    rows = queries[index]
    if hasattr(rows, "toarray"):  # scipy sparse: densify this batch only
        return rows.toarray().astype("float32")
    return np.asarray(rows)


class Rows:
    """Per-user item columns from a list of arrays, a CSR matrix or a 1-D array."""

    def __init__(self, value, num_users, name):
        self.name = name
        if hasattr(value, "tocsr"):
            csr = value.tocsr()
            if csr.shape[0] != num_users:
                raise ValueError(
                    f"`{name}` must have one row per user ({num_users}). "
                    f"Received: {name}.shape={csr.shape}"
                )
            self.indptr = csr.indptr.astype("int64")
            self.indices = csr.indices.astype("int64")
            self.num_columns = csr.shape[1]
            return
        self.num_columns = None
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype != object:
            if not np.issubdtype(value.dtype, np.integer):
                raise TypeError(
                    f"`{name}` as a 1-D array must hold integer item columns. "
                    f"Received dtype {value.dtype}"
                )
            rows = [value[i : i + 1] for i in range(len(value))]
        else:
            rows = [np.asarray(r, dtype="int64").reshape(-1) for r in value]
        if len(rows) != num_users:
            raise ValueError(
                f"`{name}` must have one entry per user ({num_users}). "
                f"Received {len(rows)} entries"
            )
        lengths = np.array([len(r) for r in rows], dtype="int64")
        self.indptr = np.concatenate([[0], np.cumsum(lengths)])
        self.indices = (
            np.concatenate(rows).astype("int64") if rows else np.zeros(0, "int64")
        )

    def check_range(self, num_items):
        if len(self.indices) and (
            self.indices.min() < 0 or self.indices.max() >= num_items
        ):
            bad = self.indices[(self.indices < 0) | (self.indices >= num_items)][0]
            raise ValueError(
                f"`{self.name}` holds item column {bad}, outside 0..{num_items - 1}"
            )

    def drop_unknown(self, num_items, unknown_id=None):
        """Drops the ids outside `0..num_items-1` (and `unknown_id`).

        Returns how many were dropped: unknown items cannot be scored, so
        they are counted and reported, never ranked.
        """
        unknown = (self.indices < 0) | (self.indices >= num_items)
        if unknown_id is not None:
            unknown |= self.indices == unknown_id
        if unknown.any():
            self.keep(~unknown)
        return int(unknown.sum())

    def drop_rows(self, rows):
        """Drops every id of the rows where the bool array `rows` is True."""
        self.keep(~np.repeat(rows, np.diff(self.indptr)))

    def keep(self, kept):
        row_of = np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))
        lengths = np.bincount(row_of[kept], minlength=len(self.indptr) - 1)
        self.indptr = np.concatenate([[0], np.cumsum(lengths)]).astype("int64")
        self.indices = self.indices[kept]

    def batch(self, start, stop):
        """(row offsets within the batch, columns) of users start..stop-1."""
        lo, hi = self.indptr[start], self.indptr[stop]
        lengths = np.diff(self.indptr[start : stop + 1])
        rows = np.repeat(np.arange(stop - start), lengths)
        return rows, self.indices[lo:hi]


def unknown_queries(queries, unknown_id):
    """Bool `(num_users,)`: query rows made only of `unknown_id`.

    A 1-D id array (or a dict's `"user_id"`) marks the users whose id is
    `unknown_id`; an id sequence `(num_users, max_len)` (or an interaction
    row) marks those holding nothing but `unknown_id` (an empty history, when
    it is the padding id or 0).
    """
    if isinstance(queries, dict):
        queries = queries.get("user_id")
    if unknown_id is None or queries is None or hasattr(queries, "tocsr"):
        return None
    ids = np.asarray(queries)
    if not np.issubdtype(ids.dtype, np.number):
        return None
    unknown = ids == unknown_id
    return unknown.reshape(len(ids), -1).all(axis=1)


def batch_labels(targets, exclude, start, stop, num_items, candidates):
    """Labels of one batch: 1 target, -1 excluded, 0 otherwise."""
    batch = stop - start
    if candidates is None:
        labels = np.zeros((batch, num_items), dtype="float32")
        if exclude is not None:
            rows, cols = exclude.batch(start, stop)
            labels[rows, cols] = -1.0
        rows, cols = targets.batch(start, stop)
        labels[rows, cols] = 1.0
        return labels
    # Sampled protocol: label each candidate column through a per-batch map.
    full = batch_labels(targets, exclude, start, stop, num_items, None)
    labels = np.take_along_axis(full, candidates, axis=1)
    # A candidate repeated in a row is ranked once: later copies are excluded.
    order = np.argsort(candidates, axis=1, kind="stable")
    sorted_c = np.take_along_axis(candidates, order, axis=1)
    repeated = np.zeros(candidates.shape, dtype=bool)
    repeated[:, 1:] = sorted_c[:, 1:] == sorted_c[:, :-1]
    duplicate = np.zeros(candidates.shape, dtype=bool)
    np.put_along_axis(duplicate, order, repeated, axis=1)
    labels[duplicate] = -1.0
    return labels
