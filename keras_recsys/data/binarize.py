import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_float


def binarize(
    df: pd.DataFrame,
    threshold: float = 4.0,
    rating_col: str = "rating",
    drop_negatives: bool = True,
) -> pd.DataFrame:
    """Turns explicit ratings into implicit feedback: 1 if `rating >= threshold`.

    Args:
        df: DataFrame with explicit ratings. Not modified.
        threshold: float. Smallest rating that counts as positive.
            Defaults to 4.0.
        rating_col: str. Rating column, rewritten as float32 0/1.
            Defaults to `"rating"`.
        drop_negatives: bool. Whether to drop the rows below the threshold
            (keeping only positives) instead of labelling them 0.
            Defaults to True.

    Returns:
        A new DataFrame whose `rating_col` is 1.0 (and 0.0 when negatives are
        kept).

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 1], "item_id": [1, 2], "rating": [5, 2]})
    keras_recsys.data.binarize(df, threshold=4)  # only the first row, rating 1.0
    ```
    """
    threshold = check_float("threshold", threshold)
    drop_negatives = check_bool("drop_negatives", drop_negatives)
    check_frame(df, (rating_col,), "df")
    if not pd.api.types.is_numeric_dtype(df[rating_col]):
        raise ValueError(
            f"Column {rating_col!r} must be numeric. Received dtype "
            f"{df[rating_col].dtype}."
        )
    values = df[rating_col].to_numpy(dtype="float64")
    if np.isnan(values).any():
        raise ValueError(
            f"Column {rating_col!r} holds {int(np.isnan(values).sum())} missing "
            "rating(s); fill or drop them first."
        )
    positive = values >= threshold
    out = df.iloc[np.flatnonzero(positive)] if drop_negatives else df
    out = out.copy()
    label = positive[positive] if drop_negatives else positive
    out[rating_col] = label.astype("float32")
    return out
