import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import codes_of
from keras_recsys.utils.validation import check_int


def filter_k_core(
    df: pd.DataFrame,
    min_user_count: int = 5,
    min_item_count: int = 5,
    user_col: str = "user_id",
    item_col: str = "item_id",
) -> pd.DataFrame:
    """Iteratively keeps the k-core: every user and item with enough rows.

    Removing a sparse item can push a user under the bar and vice versa, so
    users and items are filtered in turn until nothing changes. Rows are
    counted as given (deduplicate first for distinct-item counts).

    Args:
        df: DataFrame of interactions. Not modified.
        min_user_count: int. Fewest rows a kept user has. Defaults to 5.
        min_item_count: int. Fewest rows a kept item has. Defaults to 5.
        user_col: str. User id column. Defaults to `"user_id"`.
        item_col: str. Item id column. Defaults to `"item_id"`.

    Returns:
        A new DataFrame (possibly empty) where every user has at least
        `min_user_count` rows and every item at least `min_item_count`.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 1, 2, 1]})
    keras_recsys.data.filter_k_core(df, min_user_count=2, min_item_count=2)
    ```
    """
    check_frame(df, (user_col, item_col), "df", (user_col, item_col))
    min_user_count = check_int("min_user_count", min_user_count, min_value=1)
    min_item_count = check_int("min_item_count", min_item_count, min_value=1)
    users, _ = codes_of(df[user_col])
    items, _ = codes_of(df[item_col])
    alive = np.ones(len(df), dtype=bool)
    while True:
        u_count = np.bincount(users[alive], minlength=users.max() + 1)
        i_count = np.bincount(items[alive], minlength=items.max() + 1)
        ok = alive & (u_count[users] >= min_user_count)
        ok &= i_count[items] >= min_item_count
        if ok.sum() == alive.sum():
            break
        alive = ok
    return df.iloc[np.flatnonzero(alive)].copy()
