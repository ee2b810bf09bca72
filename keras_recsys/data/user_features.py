import numpy as np
import pandas as pd

from keras_recsys.data._utils import per_id_statistics
from keras_recsys.data._utils import table_ids
from keras_recsys.utils.validation import check_int


def _encode_column(values):
    """Category codes 1..k (sorted categories), 0 for missing."""
    codes, _ = pd.factorize(pd.Series(values), sort=True, use_na_sentinel=True)
    return (codes + 1).astype("int32")


def user_features(
    interactions: pd.DataFrame,
    num_users: int,
    users: pd.DataFrame | None = None,
    categorical=("gender", "occupation", "age", "zip_code"),
    numeric=(),
    user_col: str = "user_id",
    rating_col: str | None = "rating",
) -> dict:
    """Per-user feature arrays indexed by user id, ready for a user tower.

    Row `u` of every array describes user `u` (ids are the integer ids of
    `interactions`, e.g. from `keras_recsys.data.IdEncoder`, in
    `[0, num_users)`); users without interactions or demographics get 0.

    Features:

    - `"activity"`: float32 `log1p(number of interactions)`.
    - `"mean_rating"`: float32 mean of `rating_col` (0 when no ratings).
    - one int32 array per `categorical` column of `users`: category codes
      `1..k` over the sorted categories, 0 for unknown, for an embedding.
    - one float32 array per `numeric` column of `users`, standardized
      (zero mean, unit variance over the known users).

    Args:
        interactions: DataFrame with `user_col` (and `rating_col`).
            Not modified.
        num_users: int. Number of user ids (rows of each array).
        users: optional DataFrame of demographics with `user_col` holding the
            same integer ids. Not modified.
        categorical: columns of `users` to encode as codes (those absent
            from `users` are skipped). Defaults to
            `("gender", "occupation", "age", "zip_code")`.
        numeric: columns of `users` to standardize. Defaults to `()`.
        user_col: str. User id column. Defaults to `"user_id"`.
        rating_col: str or None. Rating column for `"mean_rating"`
            (None: no such feature). Defaults to `"rating"`.

    Returns:
        A dict of numpy arrays, each of first dimension `num_users`.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    ratings = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [1, 2, 1],
                            "rating": [4.0, 2.0, 5.0]})
    users = pd.DataFrame({"user_id": [1, 2], "gender": ["F", "M"]})
    feats = keras_recsys.data.user_features(ratings, num_users=3, users=users)
    feats["mean_rating"]  # [0.0, 3.0, 5.0]
    feats["gender"]  # [0, 1, 2]
    ```
    """
    num_users = check_int("num_users", num_users, min_value=1)
    out = per_id_statistics(interactions, user_col, rating_col, num_users, "activity")
    if users is not None:
        ids = table_ids(users, user_col, (), num_users, "users")
        if pd.Index(ids).has_duplicates:
            raise ValueError(f"`users` has repeated ids in column {user_col!r}.")
        for col in categorical:
            if col not in users.columns:
                continue
            arr = np.zeros(num_users, dtype="int32")
            arr[ids] = _encode_column(users[col].to_numpy())
            out[col] = arr
        for col in numeric:
            if col not in users.columns:
                raise ValueError(f"`users` has no numeric column {col!r}.")
            v = users[col].to_numpy(dtype="float64")
            known = ~np.isnan(v)
            mean = v[known].mean() if known.any() else 0.0
            std = v[known].std() if known.any() else 1.0
            z = np.where(known, (v - mean) / (std if std > 0 else 1.0), 0.0)
            arr = np.zeros(num_users, dtype="float32")
            arr[ids] = z
            out[col] = arr
    return out
