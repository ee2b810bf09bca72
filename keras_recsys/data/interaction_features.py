import numpy as np
import pandas as pd

from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_id_range
from keras_recsys.data._utils import unix_seconds
from keras_recsys.utils.validation import check_int


def interaction_features(
    df: pd.DataFrame,
    item_genres,
    num_users: int,
    history: pd.DataFrame | None = None,
    user_col: str = "user_id",
    item_col: str = "item_id",
    time_col: str | None = "timestamp",
) -> dict:
    """Features of each (user, item, time) row: genre affinity and time context.

    Features, one value per row of `df` (in its order):

    - `"genre_affinity"`: float32. The user's genre profile is the share of
      their `history` events in each genre (multi-hot rows averaged); the
      affinity is the mean of that profile over the row's item genres (0 for
      an item without genres or a user without history).
    - `"time_since_previous"`: float32 `log1p` of the seconds since the same
      user's previous event in `df` (time order as in
      `keras_recsys.data.leave_last_out`), 0 for the first event or an
      unknown time; `"has_previous"`: float32 1/0.
    - `"hour"` (0-23) and `"day_of_week"` (0 = Monday) as int32 UTC; 0
      where the time is unknown, with `"time_known"` float32 1/0.

    Times may be Unix seconds (numbers), naive datetimes (taken as UTC) or
    timezone-aware datetimes (converted to UTC): the same instants give the
    same features. Strings are a `ValueError` (parse them with
    `pd.to_datetime` first).

    Args:
        df: DataFrame of interactions with integer ids. Not modified.
        item_genres: float array (num_items, num_genres), e.g.
            `item_features(...)["genres"]`.
        num_users: int. Number of user ids.
        history: optional DataFrame the genre profiles come from. Defaults
            to `df` itself; pass the training split so that the affinity of a
            validation/test row does not see that row.
        user_col: str. User id column. Defaults to `"user_id"`.
        item_col: str. Item id column. Defaults to `"item_id"`.
        time_col: str or None. Time column (None: no time features).
            Defaults to `"timestamp"`.

    Returns:
        A dict of 1-D numpy arrays of length `len(df)`.

    Example:

    ```python
    import numpy as np
    import pandas as pd
    import keras_recsys

    genres = np.array([[0, 0], [1, 0], [0, 1]], dtype="float32")
    df = pd.DataFrame({"user_id": [0, 0, 0], "item_id": [1, 1, 2],
                       "timestamp": [0, 3600, 90000]})
    feats = keras_recsys.data.interaction_features(df, genres, num_users=1)
    feats["genre_affinity"]  # [0.667, 0.667, 0.333]
    ```
    """
    num_users = check_int("num_users", num_users, min_value=1)
    check_frame(df, (user_col, item_col, time_col), "df", (user_col, item_col))
    genres = np.asarray(item_genres)
    if genres.dtype == object or genres.dtype.kind not in "biuf":
        raise TypeError(
            "`item_genres` must be a numeric array (num_items, num_genres). "
            f"Received dtype {genres.dtype}"
        )
    genres = genres.astype("float32")
    if genres.ndim != 2:
        raise ValueError(
            f"`item_genres` must be 2-D (num_items, num_genres). Received shape "
            f"{genres.shape}."
        )
    if not np.isfinite(genres).all():
        bad = int(np.flatnonzero(~np.isfinite(genres).all(axis=1))[0])
        raise ValueError(
            "`item_genres` must be finite (0/1 or weights); item row "
            f"{bad} holds NaN or inf. Received: item_genres[{bad}]={genres[bad]}"
        )
    num_items = genres.shape[0]
    users = as_int_ids(df[user_col].to_numpy(), f"df[{user_col!r}]")
    items = as_int_ids(df[item_col].to_numpy(), f"df[{item_col!r}]")
    check_id_range(users, 0, num_users, f"df[{user_col!r}]")
    check_id_range(items, 0, num_items, f"df[{item_col!r}]")
    hist = df if history is None else history
    check_frame(hist, (user_col, item_col), "history", (user_col, item_col))
    hu = as_int_ids(hist[user_col].to_numpy(), f"history[{user_col!r}]")
    hi = as_int_ids(hist[item_col].to_numpy(), f"history[{item_col!r}]")
    check_id_range(hu, 0, num_users, f"history[{user_col!r}]")
    check_id_range(hi, 0, num_items, f"history[{item_col!r}]")

    profile = np.zeros((num_users, genres.shape[1]), dtype="float64")
    np.add.at(profile, hu, genres[hi])
    n_hist = np.bincount(hu, minlength=num_users)[:, None]
    profile /= np.maximum(n_hist, 1)
    item_g = genres[items]
    n_g = item_g.sum(axis=1)
    affinity = (profile[users] * item_g).sum(axis=1) / np.maximum(n_g, 1)
    out = {"genre_affinity": affinity.astype("float32")}
    if time_col is None:
        return out

    t = unix_seconds(df, time_col)
    known = ~np.isnan(t)
    n = len(df)
    t_key = np.where(known, t, -np.inf)
    order = np.lexsort((np.arange(n), t_key, users))
    su, st = users[order], t[order]
    same_user = np.r_[False, su[1:] == su[:-1]]
    prev_t = np.r_[np.nan, st[:-1]]
    gap = np.where(same_user & ~np.isnan(st) & ~np.isnan(prev_t), st - prev_t, np.nan)
    since = np.empty(n)
    since[order] = gap
    has_prev = ~np.isnan(since)
    out["time_since_previous"] = np.where(
        has_prev, np.log1p(np.maximum(np.nan_to_num(since), 0)), 0.0
    ).astype("float32")
    out["has_previous"] = has_prev.astype("float32")
    secs = np.where(known, t, 0).astype("int64")
    out["hour"] = np.where(known, (secs // 3600) % 24, 0).astype("int32")
    # 1970-01-01 was a Thursday (day 3 with Monday = 0).
    out["day_of_week"] = np.where(known, (secs // 86400 + 3) % 7, 0).astype("int32")
    out["time_known"] = known.astype("float32")
    return out
