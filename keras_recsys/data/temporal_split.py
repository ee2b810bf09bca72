import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_ratios
from keras_recsys.data._utils import time_key


def temporal_split(
    df: pd.DataFrame, ratios=(0.8, 0.1, 0.1), time_col: str = "timestamp"
) -> tuple[pd.DataFrame, ...]:
    """Splits rows by global time: the oldest fraction first, the newest last.

    Rows are ordered by `time_col` (missing times count as older than every
    known time; equal times keep input order) and cut at
    `round(n * cumsum(ratios))`. Nothing in a later part is older than any
    row of an earlier part. Deterministic: there is no randomness.

    Args:
        df: DataFrame. Not modified.
        ratios: sequence of fractions summing to 1. Defaults to
            `(0.8, 0.1, 0.1)`.
        time_col: str. Time column. Defaults to `"timestamp"`.

    Returns:
        A tuple of `len(ratios)` DataFrames, each in input order.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 2, 3, 4], "item_id": [1, 2, 3, 4],
                       "timestamp": [40, 10, 30, 20]})
    train, test = keras_recsys.data.temporal_split(df, (0.5, 0.5))
    # train holds times 10 and 20, test 30 and 40
    ```
    """
    check_frame(df, (time_col,), "df")
    parts = check_ratios(ratios)
    n = len(df)
    bounds = np.round(np.cumsum(np.r_[0.0, parts]) * n).astype("int64")
    bounds[-1] = n
    order = np.lexsort((np.arange(n), time_key(df, time_col)))
    return tuple(
        df.iloc[np.sort(order[bounds[k] : bounds[k + 1]])].copy()
        for k in range(parts.size)
    )
