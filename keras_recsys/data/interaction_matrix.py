import numpy as np
import pandas as pd
import scipy.sparse as sp

from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_id_range
from keras_recsys.utils.validation import check_int


def interaction_matrix(
    df: pd.DataFrame,
    num_users: int,
    num_items: int,
    value_col: str | None = None,
    user_col: str = "user_id",
    item_col: str = "item_id",
    dtype: str = "float32",
) -> sp.csr_matrix:
    """A sparse user x item matrix of interactions (row u, column i).

    Args:
        df: DataFrame with integer ids, users in `[0, num_users)` and items
            in `[0, num_items)`. Not modified.
        num_users: int. Number of rows: the size of the user id table
            (`IdEncoder.vocabulary_size`; row 0, the reserved code, stays
            empty for encoded ids).
        num_items: int. Number of columns: the size of the item id table
            (column j for item code j).
        value_col: str or None. Column holding the values (repeated pairs
            are summed). None gives a binary matrix: 1 wherever the pair
            occurs. Defaults to None.
        user_col: str. User id column. Defaults to `"user_id"`.
        item_col: str. Item id column. Defaults to `"item_id"`.
        dtype: str. Value dtype. Defaults to `"float32"`.

    Returns:
        A `scipy.sparse.csr_matrix` (num_users, num_items) with sorted
        indices.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [0, 0, 2], "item_id": [1, 3, 1]})
    m = keras_recsys.data.interaction_matrix(df, num_users=3, num_items=4)
    m.toarray()  # [[0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]]
    ```
    """
    check_frame(df, (user_col, item_col, value_col), "df", (user_col, item_col))
    num_users = check_int("num_users", num_users, min_value=1)
    num_items = check_int("num_items", num_items, min_value=1)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"`dtype` must be a numpy dtype. Received: dtype={dtype!r}"
        ) from None
    if value_col is not None and not pd.api.types.is_numeric_dtype(df[value_col]):
        raise ValueError(
            f"Column {value_col!r} (`value_col`) must be numeric. Received dtype "
            f"{df[value_col].dtype}"
        )
    users = as_int_ids(df[user_col].to_numpy(), f"df[{user_col!r}]")
    items = as_int_ids(df[item_col].to_numpy(), f"df[{item_col!r}]")
    check_id_range(users, 0, num_users, f"df[{user_col!r}]")
    check_id_range(items, 0, num_items, f"df[{item_col!r}]")
    if value_col is None:
        values = np.ones(users.shape[0], dtype=dtype)
    else:
        values = df[value_col].to_numpy(dtype=dtype)
        if np.isnan(values).any():
            raise ValueError(f"Column {value_col!r} holds NaN values.")
    m = sp.csr_matrix((values, (users, items)), shape=(num_users, num_items))
    m.sum_duplicates()
    if value_col is None:
        m.data[:] = 1
    m.sort_indices()
    return m
