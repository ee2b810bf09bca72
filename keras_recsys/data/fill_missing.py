import pandas as pd

from keras_recsys.data._utils import check_frame

_STRATEGIES = ("mean", "median", "mode", "zero", "drop")


def fill_missing(df: pd.DataFrame, strategy) -> pd.DataFrame:
    """Fills missing values column by column with a chosen strategy.

    Args:
        df: DataFrame. Not modified.
        strategy: a dict `{column: strategy}`, or one strategy for every
            column with missing values. A strategy is `"mean"` or `"median"`
            (numeric columns), `"mode"` (most frequent value, ties to the
            smallest), `"zero"`, `"drop"` (drop rows where the column is
            missing), or `("constant", value)` to fill with `value`.

    Returns:
        A new DataFrame without missing values in the treated columns.

    Example:

    ```python
    import numpy as np
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 2, None], "rating": [4.0, np.nan, 2.0]})
    keras_recsys.data.fill_missing(df, {"user_id": "drop", "rating": "mean"})
    ```
    """
    check_frame(df, (), "df")
    if isinstance(strategy, dict):
        plan = dict(strategy)
    else:
        plan = {c: strategy for c in df.columns if df[c].isna().any()}
    missing = [c for c in plan if c not in df.columns]
    if missing:
        raise ValueError(
            f"`strategy` names column(s) {missing} that `df` does not have. "
            f"Its columns are {list(df.columns)}."
        )
    out = df.copy()
    drop_mask = pd.Series(False, index=out.index)
    for col, how in plan.items():
        series = out[col]
        if isinstance(how, tuple) and len(how) == 2 and how[0] == "constant":
            out[col] = series.fillna(how[1])
            continue
        if how not in _STRATEGIES:
            raise ValueError(
                f"Unknown fill strategy {how!r} for column {col!r}. Use one of "
                f"{list(_STRATEGIES)} or ('constant', value)."
            )
        if how == "drop":
            drop_mask |= series.isna()
            continue
        if how in ("mean", "median"):
            if not pd.api.types.is_numeric_dtype(series):
                raise ValueError(
                    f'Strategy "{how}" needs a numeric column; column {col!r} '
                    f"has dtype {series.dtype}."
                )
            if series.notna().sum() == 0:
                raise ValueError(
                    f'Column {col!r} has no values to take the "{how}" of.'
                )
            value = series.mean() if how == "mean" else series.median()
        elif how == "mode":
            modes = series.mode(dropna=True)
            if modes.empty:
                raise ValueError(f"Column {col!r} has no values to take the mode of.")
            value = modes.iloc[0]
        else:
            value = 0
            if pd.api.types.is_bool_dtype(series) or not (
                pd.api.types.is_numeric_dtype(series)
            ):
                raise ValueError(
                    f'Strategy "zero" needs a numeric column; column {col!r} has '
                    f"dtype {series.dtype}. Use ('constant', value) for others."
                )
        out[col] = series.fillna(value)
    if drop_mask.any():
        out = out.loc[~drop_mask]
    return out
