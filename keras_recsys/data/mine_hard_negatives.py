import numpy as np

from keras_recsys.utils.validation import check_int


def _positive_rows(positives, num_queries):
    if isinstance(positives, np.ndarray) and positives.ndim == 1:
        return [positives[i : i + 1] for i in range(num_queries)]
    rows = list(positives)
    if len(rows) != num_queries:
        raise ValueError(
            f"`positives` must hold one entry per query ({num_queries}). "
            f"Received {len(rows)}"
        )
    return [np.atleast_1d(np.asarray(r)) for r in rows]


def mine_hard_negatives(
    query_embeddings,
    item_embeddings,
    positives,
    num_negatives: int = 1,
    batch_size: int = 1024,
) -> np.ndarray:
    """The top-scoring non-positive items of each query (hard negatives).

    Scores every item for each query with the dot product of the current
    query and item embeddings (for instance the towers of a two-tower model
    after an epoch) and keeps the `num_negatives` best items that are not
    one of the query's positives. Item 0 is the reserved id (padding,
    unknown) and is never chosen. Among equal scores the lower item id comes
    first, the tie rule of the metrics. Queries are scored `batch_size` at a
    time, so memory is O(batch_size * num_items). The inputs are not
    modified.

    The ids are meant as extra negatives of a two-tower step (scored with
    the item tower beside the in-batch candidates). `InBatchSoftmaxLoss`
    takes only the square `(batch, batch)` similarities today, so those
    extra columns are not wired into it yet (docs/towers_and_retrieval.md).

    Args:
        query_embeddings: float array `(num_queries, d)`.
        item_embeddings: float array `(num_items, d)`; row j is item id j, so
            `num_items` is the size of the item id table (row 0 reserved).
        positives: per query, the item ids that must not be drawn: a 1-D int
            array (one id per query) or a list of int arrays.
        num_negatives: int >= 1. Hard negatives per query. Defaults to `1`.
        batch_size: int >= 1. Queries scored at once. Defaults to `1024`.

    Returns:
        int64 array `(num_queries, num_negatives)`: item ids, best first.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    items = np.array([[0.0], [1.0], [3.0], [2.0]])  # ids 0..3, 0 reserved
    keras_recsys.data.mine_hard_negatives(
        np.array([[1.0]]), items, positives=np.array([2]), num_negatives=2
    )  # array([[3, 1]])
    ```

    References:
        - Xiong et al., 2021. Approximate Nearest Neighbor Negative
          Contrastive Learning for Dense Text Retrieval. ICLR.
        - Huang et al., 2020. Embedding-based Retrieval in Facebook Search.
          KDD.
    """
    queries = np.asarray(query_embeddings, dtype="float32")
    items = np.asarray(item_embeddings, dtype="float32")
    if queries.ndim != 2 or items.ndim != 2 or queries.shape[1] != items.shape[1]:
        raise ValueError(
            "`query_embeddings` (num_queries, d) and `item_embeddings` "
            "(num_items, d) must be 2-D with the same d. Received shapes "
            f"{queries.shape} and {items.shape}"
        )
    num_negatives = check_int("num_negatives", num_negatives, min_value=1)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    num_queries, num_items = queries.shape[0], items.shape[0]
    rows = _positive_rows(positives, num_queries)
    for q, row in enumerate(rows):
        if row.size and (
            not np.issubdtype(row.dtype, np.integer)
            or row.min() < 0
            or row.max() >= num_items
        ):
            raise ValueError(
                f"`positives` must hold item ids in [0, {num_items}). "
                f"Received {row.tolist()} for query {q}"
            )
        available = num_items - 1 - np.setdiff1d(row, [0]).size
        if available < num_negatives:
            raise ValueError(
                f"`num_negatives`={num_negatives} exceeds the {available} "
                f"non-positive items of query {q} (item 0 is reserved)."
            )
    out = np.empty((num_queries, num_negatives), dtype=np.int64)
    for start in range(0, num_queries, batch_size):
        scores = queries[start : start + batch_size] @ items.T
        scores[:, 0] = -np.inf
        for r, row in enumerate(rows[start : start + batch_size]):
            scores[r, row] = -np.inf
        # The m best by score, then ordered by (score desc, id asc).
        m = num_negatives
        part = np.argpartition(-scores, m - 1, axis=1)[:, :m]
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1, keepdims=True)
        for r in range(scores.shape[0]):
            # Every item tying with the m-th score may compete for the last
            # places: the lower id wins, as in a stable sort.
            candidates = np.flatnonzero(scores[r] >= kth[r])
            order = np.lexsort((candidates, -scores[r, candidates]))
            out[start + r] = candidates[order[:m]]
    return out
