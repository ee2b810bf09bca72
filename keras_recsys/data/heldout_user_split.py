import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import codes_of
from keras_recsys.data._utils import rng_from
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_probability


def heldout_user_split(
    df: pd.DataFrame,
    n_val_users: int,
    n_test_users: int,
    test_fraction: float = 0.2,
    seed=None,
    min_events: int = 5,
    user_col: str = "user_id",
) -> tuple[pd.DataFrame, ...]:
    """Strong generalization split: held-out users, each with fold-in and held-out items.

    The protocol of Liang et al. (2018): `n_val_users` and `n_test_users`
    users are drawn at random and taken out of training entirely. Each of
    them keeps a random `test_fraction` of their events (rounded down) as
    the held-out part to predict and the rest as the fold-in part the model
    sees at evaluation time; users with fewer than `min_events` events have
    no held-out part. Every other user's events are training data.

    Unlike Liang et al.'s script no row is dropped (their script also drops
    validation/test items never seen in training: filter those yourself if
    wanted), so the five parts partition `df` exactly.

    Args:
        df: DataFrame of interactions. Not modified.
        n_val_users: int. Number of validation users.
        n_test_users: int. Number of test users.
        test_fraction: float in [0, 1]. Share of a held-out user's events to
            predict. Defaults to 0.2.
        seed: int or None. Same seed, same split. Defaults to None.
        min_events: int. Fewest events for a user to get a held-out part.
            Defaults to 5.
        user_col: str. User id column. Defaults to `"user_id"`.

    Returns:
        `(train, val_fold_in, val_holdout, test_fold_in, test_holdout)`
        DataFrames, each in input order.

    Example:

    ```python
    import numpy as np
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": np.repeat(np.arange(10), 10),
                       "item_id": np.tile(np.arange(10), 10)})
    train, val_in, val_out, test_in, test_out = (
        keras_recsys.data.heldout_user_split(df, 2, 2, seed=0)
    )
    ```

    References:
        Liang et al., "Variational Autoencoders for Collaborative Filtering",
        WWW 2018.
    """
    check_frame(df, (user_col,), "df", (user_col,))
    n_val_users = check_int("n_val_users", n_val_users, min_value=0)
    n_test_users = check_int("n_test_users", n_test_users, min_value=0)
    test_fraction = check_probability("test_fraction", test_fraction)
    min_events = check_int("min_events", min_events, min_value=1)
    users, uniques = codes_of(df[user_col])
    num_users = len(uniques)
    if n_val_users + n_test_users >= num_users:
        raise ValueError(
            f"n_val_users + n_test_users = {n_val_users + n_test_users} must "
            f"leave some training users; `df` has {num_users} users."
        )
    rng = rng_from(seed)
    perm = rng.permutation(num_users)
    role = np.zeros(num_users, dtype="int8")
    role[perm[:n_val_users]] = 1
    role[perm[n_val_users : n_val_users + n_test_users]] = 2
    row_role = role[users]
    n = len(df)
    # Random rank of each row within its user: sort by (user, random key).
    order = np.lexsort((rng.random(n), users))
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts)
    n_out = np.where(counts >= min_events, np.floor(test_fraction * counts + 1e-9), 0)
    heldout_sorted = rank < np.repeat(n_out, counts)
    heldout = np.empty(n, dtype=bool)
    heldout[order] = heldout_sorted
    labels = np.zeros(n, dtype="int8")
    labels[row_role == 1] = 1
    labels[(row_role == 1) & heldout] = 2
    labels[row_role == 2] = 3
    labels[(row_role == 2) & heldout] = 4
    return tuple(df.iloc[np.flatnonzero(labels == k)].copy() for k in range(5))
