"""`Recommender.recommend_batches` and `write_recommendations`: the batch job.

One batch of users is scored, turned into rows and written before the next
one starts, so memory stays bounded by one batch whatever the number of
users.
"""

import numpy as np

from keras_recsys.utils.validation import check_positive_int


def recommend_batches(self, user_ids=None, k=10, batch_size=1024):
    """Yields recommendations as DataFrames `user, rank, item, score`.

    A batch job: one DataFrame per `batch_size` users (all known users,
    in vocabulary order, by default), so memory stays bounded by one
    batch whatever the number of users. Rank is 1-based; empty slots
    (fewer than k unseen items) are left out.

    Args:
        user_ids: optional 1-D raw user ids. Defaults to all known users.
        k: int. Defaults to `10`.
        batch_size: int. Users per DataFrame. Defaults to `1024`.

    Yields:
        `pandas.DataFrame` with columns `user`, `rank`, `item`, `score`.
    """
    import pandas as pd

    k = self._check_k(k)
    batch_size = check_positive_int("batch_size", batch_size)
    users = np.asarray(self.user_lookup.vocabulary if user_ids is None else user_ids)
    ranks = np.tile(np.arange(1, k + 1, dtype="int32"), batch_size)
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        # Pad the last batch to the same size: one compiled shape.
        padded = np.concatenate([batch, np.repeat(batch[-1:], batch_size - len(batch))])
        out = self.recommend(padded, k=k)
        scores = out["score"][: len(batch)].reshape(-1)
        keep = np.isfinite(scores)
        yield pd.DataFrame(
            {
                "user": np.repeat(batch, k)[keep],
                "rank": ranks[: len(scores)][keep],
                "item": out["item_id"][: len(batch)].reshape(-1)[keep],
                "score": scores[keep],
            }
        )


def write_recommendations(self, path, user_ids=None, k=10, batch_size=1024):
    """Writes `recommend_batches` to a CSV or Parquet file, batch by batch.

    Each batch is appended to the file as soon as it is scored (a Parquet
    row group, or CSV lines); nothing accumulates in memory.

    Args:
        path: str. A `.parquet` path (needs pyarrow) or any other path
            (CSV with a header).
        user_ids, k, batch_size: as `recommend_batches`.

    Returns:
        The number of rows written.
    """
    path = str(path)
    rows = 0
    writer = None
    try:
        for i, frame in enumerate(self.recommend_batches(user_ids, k, batch_size)):
            if path.endswith(".parquet"):
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            else:
                frame.to_csv(
                    path, mode="w" if i == 0 else "a", header=i == 0, index=False
                )
            rows += len(frame)
    finally:
        if writer is not None:
            writer.close()
    return rows
