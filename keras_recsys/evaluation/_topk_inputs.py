"""The per-user inputs of `evaluate_topk`: checks, rows of ids, batches, labels.

Ids follow the package convention: items are codes `1..num_items-1` and
code 0 is padding/unknown, so column 0 is never ranked and a target of code
0 is never relevant.
"""

import numpy as np

from keras_recsys.utils.rows import repeats_in_rows


def check_queries(queries):
    """Returns `queries` with lists turned into arrays; refuses other types."""
    if isinstance(queries, dict):
        if not queries:
            raise ValueError("`queries` must not be an empty dict.")
        return {k: check_queries(v) for k, v in queries.items()}
    if isinstance(queries, (list, tuple)):
        try:
            array = np.asarray(queries)
        except ValueError:  # ragged
            array = np.empty(0, dtype=object)
        if array.dtype == object:
            raise TypeError(
                "`queries` as a list must convert to a rectangular numpy array. "
                f"Received a ragged or mixed list of {len(queries)} entries"
            )
        return array
    if not hasattr(queries, "shape") or not len(queries.shape):
        raise TypeError(
            "`queries` must be an array (num_users, ...), a dict of arrays or a "
            f"scipy sparse matrix. Received: {type(queries).__name__} {queries!r:.80}"
        )
    return queries


def num_rows(queries):
    if isinstance(queries, dict):
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


def check_ids(name, ids, where=""):
    """Returns `ids` as int64; refuses booleans, floats and negative ids."""
    ids = np.asarray(ids)
    if ids.size == 0:
        return ids.astype("int64").reshape(-1)
    if ids.dtype == bool or not np.issubdtype(ids.dtype, np.integer):
        example = ids.reshape(-1)[0]
        raise TypeError(
            f"`{name}` must hold integer item ids (codes 1..num_items-1){where}. "
            f"Received dtype {ids.dtype} (for instance {example!r})"
        )
    ids = ids.astype("int64").reshape(-1)
    if ids.min() < 0:
        raise ValueError(
            f"`{name}` holds the negative item id {int(ids.min())}{where}; ids "
            "are codes 1..num_items-1 (0 is padding/unknown)."
        )
    return ids


class Rows:
    """Per-user item ids from a list of arrays, a CSR matrix or a 1-D array."""

    def __init__(self, value, num_users, name):
        self.name = name
        if hasattr(value, "tocsr"):
            csr = value.tocsr(copy=True)
            if csr.shape[0] != num_users:
                raise ValueError(
                    f"`{name}` must have one row per user ({num_users}). "
                    f"Received: {name}.shape={csr.shape}"
                )
            if csr.dtype == object or np.isnan(csr.data.astype("float64")).any():
                raise ValueError(f"`{name}` holds NaN (or non-numeric) entries.")
            if name == "targets" and (csr.data < 0).any():
                raise ValueError(
                    "`targets` holds negative entries; an entry > 0 marks a "
                    f"relevant item. Received the value {csr.data.min()}"
                )
            # An explicitly stored zero is not an interaction.
            csr.eliminate_zeros()
            csr.sort_indices()
            self.indptr = csr.indptr.astype("int64")
            self.indices = csr.indices.astype("int64")
            self.num_columns = csr.shape[1]
            return
        self.num_columns = None
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype != object:
            ids = check_ids(name, value)
            rows = [ids[i : i + 1] for i in range(len(ids))]
        else:
            try:
                value = list(value)
            except TypeError:
                raise TypeError(
                    f"`{name}` must be a list of id arrays, a CSR matrix or a 1-D "
                    f"id array. Received: {type(value).__name__}"
                ) from None
            rows = [
                check_ids(name, r, where=f" (user row {u})")
                for u, r in enumerate(value)
            ]
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

    def max_id(self):
        return int(self.indices.max()) if len(self.indices) else 0

    def check_range(self, num_items):
        if len(self.indices) and self.indices.max() >= num_items:
            bad = self.indices[self.indices >= num_items][0]
            raise ValueError(
                f"`{self.name}` holds item id {bad}, outside 0..{num_items - 1} "
                f"(num_items={num_items})"
            )

    def drop_unknown(self, num_items, unknown_id=None):
        """Drops the ids 0, `num_items` and above (and `unknown_id`).

        Returns how many were dropped: code 0 is padding/unknown and ids past
        the table are unknown (cold-start) items; they cannot be scored, so
        they are counted and reported, never ranked.
        """
        unknown = self.indices == 0
        if num_items is not None:
            unknown |= self.indices >= num_items
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
        """(row offsets within the batch, ids) of users start..stop-1."""
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


def check_candidates(candidates, num_users, num_items):
    candidates = np.asarray(candidates)
    if candidates.ndim != 2 or candidates.shape[0] != num_users:
        raise ValueError(
            f"`candidates` must have shape (num_users={num_users}, C). "
            f"Received: candidates.shape={candidates.shape}"
        )
    check_ids("candidates", candidates)
    if num_items is not None and candidates.size and candidates.max() >= num_items:
        raise ValueError(
            f"`candidates` holds item id {int(candidates.max())}, outside "
            f"0..{num_items - 1} (num_items={num_items})"
        )
    return candidates.astype("int64")


def batch_labels(targets, exclude, start, stop, num_items, candidates):
    """Labels of one batch: 1 target, -1 excluded (and column 0), 0 otherwise."""
    batch = stop - start
    if candidates is None:
        labels = np.zeros((batch, num_items), dtype="float32")
        if exclude is not None:
            rows, cols = exclude.batch(start, stop)
            labels[rows, cols] = -1.0
        rows, cols = targets.batch(start, stop)
        labels[rows, cols] = 1.0
        labels[:, 0] = -1.0  # code 0 is padding/unknown: never recommended
        return labels
    # Sampled protocol: label each candidate column through a per-batch map.
    full = batch_labels(targets, exclude, start, stop, num_items, None)
    labels = np.take_along_axis(full, candidates, axis=1)
    # A candidate repeated in a row is ranked once: later copies are excluded.
    labels[repeats_in_rows(candidates)] = -1.0
    # Every target must be a candidate, or its user would silently count less.
    found = (labels > 0).sum(axis=1)
    expected = np.diff(targets.indptr[start : stop + 1])
    missing = np.flatnonzero(found < expected)
    if len(missing):
        u = int(missing[0])
        _, ids = targets.batch(start + u, start + u + 1)
        absent = sorted(set(ids.tolist()) - set(candidates[u].tolist()))
        raise ValueError(
            f"The candidates of user row {start + u} do not hold its target(s) "
            f"{absent}; in the sampled protocol each user's `candidates` must "
            "include its held-out targets."
        )
    return labels
