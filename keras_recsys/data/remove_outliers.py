import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of


def remove_outliers(
    df: pd.DataFrame,
    column: str | None = None,
    valid_range: tuple | None = None,
    method: str | None = None,
    threshold: float | None = None,
    max_user_events: int | None = None,
    user_col: str = "user_id",
) -> pd.DataFrame:
    """Drops rows whose value is implausible, and users with too many events.

    The rules given are all applied (a row goes if any rule flags it):

    - `valid_range=(low, high)`: values of `column` outside `[low, high]`
      (either bound may be None).
    - `method="iqr"`: values outside `[Q1 - t * IQR, Q3 + t * IQR]`, with
      `t = threshold` (default 1.5).
    - `method="zscore"`: values with `|value - mean| / std > threshold`
      (default 3.0; population std).
    - `max_user_events=m`: every row of a user with more than `m` rows
      (bots, shared accounts).

    Missing values of `column` are never flagged (see `fill_missing`).

    Args:
        df: DataFrame. Not modified.
        column: str or None. The numeric column the value rules look at.
        valid_range: optional (low, high). Inclusive valid bounds.
        method: optional str. `"iqr"` or `"zscore"`.
        threshold: optional float. The rule's multiplier.
        max_user_events: optional int. Most rows a user may have.
        user_col: str. User id column. Defaults to `"user_id"`.

    Returns:
        A new DataFrame without the flagged rows.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 1, 2], "rating": [4.0, 99.0, 3.0]})
    keras_recsys.data.remove_outliers(df, column="rating", valid_range=(1, 5))
    ```
    """
    if valid_range is None and method is None and max_user_events is None:
        raise ValueError(
            "Give at least one rule: `valid_range`, `method` or `max_user_events`."
        )
    needs_col = valid_range is not None or method is not None
    if needs_col and column is None:
        raise ValueError("`column` is required with `valid_range` or `method`.")
    check_frame(
        df,
        (column if needs_col else None, user_col if max_user_events else None),
        "df",
    )
    if threshold is not None:
        threshold = check_float("threshold", threshold, min_value=0.0)
    flagged = np.zeros(len(df), dtype=bool)
    if needs_col:
        if not pd.api.types.is_numeric_dtype(df[column]):
            raise ValueError(
                f"Column {column!r} must be numeric. Received dtype {df[column].dtype}."
            )
        values = df[column].to_numpy(dtype="float64")
        known = ~np.isnan(values)
        if valid_range is not None:
            if len(valid_range) != 2:
                raise ValueError(
                    f"`valid_range` must be (low, high). Received: {valid_range!r}"
                )
            low, high = (
                None if b is None else check_float("valid_range", b)
                for b in valid_range
            )
            if low is not None and high is not None and low > high:
                raise ValueError(f"`valid_range` has low > high: {valid_range!r}")
            if low is not None:
                flagged |= known & (values < low)
            if high is not None:
                flagged |= known & (values > high)
        if method is not None:
            if not known.any():
                raise ValueError(f"Column {column!r} has no values.")
            v = values[known]
            if method == "iqr":
                t = 1.5 if threshold is None else float(threshold)
                q1, q3 = np.percentile(v, [25, 75])
                iqr = q3 - q1
                flagged |= known & ((values < q1 - t * iqr) | (values > q3 + t * iqr))
            elif method == "zscore":
                t = 3.0 if threshold is None else float(threshold)
                std = v.std()
                if std > 0:
                    flagged |= known & (np.abs(values - v.mean()) / std > t)
            else:
                check_one_of("method", method, ("iqr", "zscore"))
    if max_user_events is not None:
        check_int("max_user_events", max_user_events, min_value=1)
        counts = df.groupby(user_col, sort=False)[user_col].transform("size")
        flagged |= counts.to_numpy() > max_user_events
    return df.iloc[np.flatnonzero(~flagged)].copy()
