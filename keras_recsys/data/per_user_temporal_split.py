import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_ratios
from keras_recsys.data._utils import rank_in_group
from keras_recsys.data._utils import user_time_order


def per_user_temporal_split(
    df: pd.DataFrame,
    ratios=(0.8, 0.2),
    user_col: str = "user_id",
    time_col: str | None = "timestamp",
) -> tuple[pd.DataFrame, ...]:
    """Splits each user's history by time: their oldest fraction first.

    For a user with `c` events in time order, part `k` gets the events at
    positions `[round(c * sum(ratios[:k])), round(c * sum(ratios[:k+1])))`.
    Time order is the one of `keras_recsys.data.leave_last_out` (missing
    times oldest, equal times by input order). No event of a later part is
    older than an event of the same user in an earlier part.

    Args:
        df: DataFrame of interactions. Not modified.
        ratios: sequence of fractions summing to 1. Defaults to `(0.8, 0.2)`.
        user_col: str. User id column. Defaults to `"user_id"`.
        time_col: str or None. Time column (None: input order).
            Defaults to `"timestamp"`.

    Returns:
        A tuple of `len(ratios)` DataFrames, each in input order.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1] * 5, "item_id": [1, 2, 3, 4, 5],
                       "timestamp": [5, 4, 3, 2, 1]})
    train, test = keras_recsys.data.per_user_temporal_split(df, (0.8, 0.2))
    # test holds item 1, the latest
    ```
    """
    check_frame(df, (user_col, time_col), "df", (user_col,))
    parts = check_ratios(ratios)
    n = len(df)
    order, _, starts, counts = user_time_order(df, user_col, time_col)
    cum = np.cumsum(np.r_[0.0, parts])
    # (num_users, num_parts + 1) per-user cut points.
    cuts = np.round(counts[:, None] * cum[None, :]).astype("int64")
    cuts[:, -1] = counts
    rank = rank_in_group(starts, counts, n)
    user_row = np.repeat(np.arange(counts.size), counts)
    part = np.zeros(n, dtype="int64")
    for k in range(1, parts.size):
        part += rank >= cuts[user_row, k]
    labels = np.empty(n, dtype="int64")
    labels[order] = part
    return tuple(df.iloc[np.flatnonzero(labels == k)].copy() for k in range(parts.size))
