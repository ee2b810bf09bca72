import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import rank_in_group
from keras_recsys.data._utils import user_time_order
from keras_recsys.utils.validation import check_int


def leave_last_out(
    df: pd.DataFrame,
    n_test: int = 1,
    n_val: int = 1,
    min_train: int = 1,
    user_col: str = "user_id",
    time_col: str | None = "timestamp",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per user, holds out the last `n_test` events for test, the `n_val` before for validation.

    Each user's events are ordered by time. Ordering is deterministic even
    with missing or equal times: a missing time (NaN) counts as older than
    every known time, so unknown-time events stay in training; among equal
    times the row that comes later in `df` is the later event. With
    `time_col=None`, input order is time order.

    A user keeps at least `min_train` training events: a user with too few
    events gives fewer (possibly zero) events to test, then to validation.

    Args:
        df: DataFrame of interactions. Not modified.
        n_test: int. Test events per user. Defaults to 1.
        n_val: int. Validation events per user (0 for none). Defaults to 1.
        min_train: int. Fewest training events a user keeps. Defaults to 1.
        user_col: str. User id column. Defaults to `"user_id"`.
        time_col: str or None. Time column. Defaults to `"timestamp"`.

    Returns:
        `(train, val, test)` DataFrames, each in input order; together they
        hold every row of `df` exactly once.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 1, 1, 1], "item_id": [1, 2, 3, 4],
                       "timestamp": [4, 1, 3, 2]})
    train, val, test = keras_recsys.data.leave_last_out(df)
    # test: item 1 (time 4), val: item 3 (time 3), train: items 2 and 4
    ```
    """
    check_frame(df, (user_col, time_col), "df", (user_col,))
    n_test = check_int("n_test", n_test, min_value=0)
    n_val = check_int("n_val", n_val, min_value=0)
    min_train = check_int("min_train", min_train, min_value=0)
    n = len(df)
    order, _, starts, counts = user_time_order(df, user_col, time_col)
    from_end = np.repeat(counts, counts) - 1 - rank_in_group(starts, counts, n)
    spare = np.maximum(counts - min_train, 0)
    k_test = np.minimum(n_test, spare)
    k_val = np.minimum(n_val, spare - k_test)
    k_test_row = np.repeat(k_test, counts)
    k_val_row = np.repeat(k_val, counts)
    part = np.zeros(n, dtype="int8")
    part[from_end < k_test_row + k_val_row] = 1
    part[from_end < k_test_row] = 2
    labels = np.empty(n, dtype="int8")
    labels[order] = part
    return tuple(df.iloc[np.flatnonzero(labels == k)].copy() for k in range(3))
