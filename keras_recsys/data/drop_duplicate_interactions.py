import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import codes_of
from keras_recsys.data._utils import time_key


def drop_duplicate_interactions(
    df: pd.DataFrame,
    user_col: str = "user_id",
    item_col: str = "item_id",
    time_col: str | None = "timestamp",
) -> pd.DataFrame:
    """Removes repeated user-item events, keeping the latest of each pair.

    The latest is the one with the largest `time_col`; a missing time counts
    as older than any known time, and among equal times the row that comes
    later in `df` wins. With `time_col=None` the last row of each pair wins.
    Kept rows stay in their input order with their index.

    Args:
        df: DataFrame of interactions. Not modified.
        user_col: str. User id column. Defaults to `"user_id"`.
        item_col: str. Item id column. Defaults to `"item_id"`.
        time_col: str or None. Time column. Defaults to `"timestamp"`.

    Returns:
        A new DataFrame with one row per (user, item) pair.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [5, 5, 5],
                       "rating": [3.0, 4.0, 5.0], "timestamp": [10, 20, 5]})
    keras_recsys.data.drop_duplicate_interactions(df)  # rows 1 and 2
    ```
    """
    check_frame(df, (user_col, item_col, time_col), "df", (user_col, item_col))
    users, _ = codes_of(df[user_col])
    items, uniq_items = codes_of(df[item_col])
    key = users * len(uniq_items) + items
    t = time_key(df, time_col)
    pos = np.arange(len(df))
    order = np.lexsort((pos, t, key))
    k = key[order]
    last = np.r_[k[1:] != k[:-1], True]
    keep = np.sort(order[last])
    return df.iloc[keep].copy()
