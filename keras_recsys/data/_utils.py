"""Private helpers shared by the data tools (argument checks, ordering, rngs).

`keras_recsys.data` depends on nothing else of keras_recsys but the one
module of argument checks, `keras_recsys.utils.validation` (numpy only); the
checks particular to data tools live here.
"""

import numbers

import numpy as np
import pandas as pd


def check_frame(df, columns=(), name="df", id_columns=()):
    """Checks that `df` is a non-empty DataFrame holding `columns`.

    `id_columns` must also hold no missing values.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be a pandas DataFrame. Received: {name} of type "
            f"{type(df).__name__}"
        )
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ValueError(
            f"`{name}` is missing column(s) {missing}. Its columns are "
            f"{list(df.columns)}; pass the right names (e.g. user_col=..., "
            "item_col=...) or rename the columns."
        )
    if len(df) == 0:
        raise ValueError(f"`{name}` is empty (0 rows).")
    for col in id_columns:
        if col is None:
            continue
        bad = int(df[col].isna().sum())
        if bad:
            raise ValueError(
                f"Column {col!r} of `{name}` holds {bad} missing (NaN/None) "
                "id(s); drop or fill them first (see "
                "keras_recsys.data.fill_missing)."
            )


def check_ratios(ratios, name="ratios"):
    """Returns `ratios` as a float array; they must be >= 0 and sum to 1."""
    try:
        arr = np.asarray(ratios, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a sequence of numbers. Received: {name}={ratios!r}"
        ) from None
    if arr.size < 2:
        raise ValueError(
            f"`{name}` needs at least two parts. Received: {name}={ratios!r}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"`{name}` must be finite and >= 0. Received: {name}={ratios!r}"
        )
    if abs(arr.sum() - 1.0) > 1e-6:
        raise ValueError(
            f"`{name}` must sum to 1. Received: {name}={ratios!r} (sum {arr.sum():.6g})"
        )
    return arr


def rng_from(seed):
    """A numpy Generator from an int seed, a sequence of ints or None."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed) if seed is None else seed
    parts = [seed] if not isinstance(seed, (list, tuple, np.ndarray)) else seed
    for part in np.asarray(parts, dtype=object).reshape(-1):
        if isinstance(part, (bool, np.bool_)) or not isinstance(part, numbers.Integral):
            raise TypeError(
                "`seed` must be None, a non-negative int, a sequence of them "
                f"or a np.random.Generator. Received: seed={seed!r}"
            )
        if part < 0:
            raise ValueError(f"`seed` must be non-negative. Received: seed={seed!r}")
    return np.random.default_rng(seed)


def codes_of(values):
    """Dense int64 codes (0..n-1, sorted order) and the uniques of `values`."""
    codes, uniques = pd.factorize(np.asarray(values), sort=True)
    return codes.astype("int64", copy=False), uniques


def unix_seconds(df, time_col):
    """Float64 Unix seconds of `df[time_col]` (NaN where missing).

    Numbers are taken as Unix seconds; naive datetimes as UTC; timezone-aware
    datetimes are converted to UTC. So the same instants give the same
    seconds whichever way they are passed (and nanosecond datetimes are not
    rounded into ties by a float64 of ~1.7e18). Strings and other objects are
    a `ValueError`: parse them first (`pd.to_datetime`).
    """
    col = df[time_col]
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(col):
        ns = col.to_numpy("datetime64[ns]").astype("int64").astype("float64")
        return np.where(col.isna().to_numpy(), np.nan, ns / 1e9)
    if pd.api.types.is_bool_dtype(col) or not (
        pd.api.types.is_numeric_dtype(col) or col.isna().all()
    ):
        raise ValueError(
            f"Column {time_col!r} must hold Unix seconds (numbers) or "
            f"datetimes. Received dtype {col.dtype}; parse strings first with "
            "pd.to_datetime."
        )
    return col.to_numpy(dtype="float64", na_value=np.nan)


def time_key(df, time_col):
    """Float64 Unix seconds where a missing time is -inf (older than all)."""
    if time_col is None:
        return np.zeros(len(df))
    t = unix_seconds(df, time_col)
    return np.where(np.isnan(t), -np.inf, t)


def user_time_order(df, user_col, time_col):
    """Row positions sorted by user, then time, then input position.

    Missing times sort first (treated as older than every known time); equal
    times keep their input order, so the later row counts as the later event.

    Returns:
        (order, user_codes_sorted, group_starts, group_counts)
    """
    users, _ = codes_of(df[user_col])
    t = time_key(df, time_col)
    pos = np.arange(len(df))
    order = np.lexsort((pos, t, users))
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    counts = np.diff(np.r_[starts, len(order)])
    return order, sorted_users, starts, counts


def rank_in_group(starts, counts, n):
    """For rows sorted by group: their 0-based position within the group."""
    group_start = np.repeat(starts, counts)
    return np.arange(n) - group_start


def as_int_ids(values, name):
    """Validates integer ids (no NaN, integral) and returns an int64 array."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise ValueError(f"`{name}` holds NaN ids.")
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"`{name}` must hold integer ids. Received floats.")
    elif arr.dtype.kind not in "iu":
        if arr.dtype.kind == "O":
            # Strings are raw ids, even when they look like numbers ('1'):
            # parsing them would give them codes IdEncoder does not.
            if any(
                isinstance(v, (str, bytes, bool, np.bool_)) for v in arr.reshape(-1)
            ):
                raise ValueError(
                    f"`{name}` must hold integer ids; it holds strings or "
                    "bools (raw ids). Encode them with "
                    "keras_recsys.data.IdEncoder first."
                )
            try:
                arr = arr.astype("float64")
            except (TypeError, ValueError):
                raise ValueError(
                    f"`{name}` must hold integer ids (encode raw ids with "
                    "keras_recsys.data.IdEncoder). Received dtype object."
                ) from None
            return as_int_ids(arr, name)
        raise ValueError(
            f"`{name}` must hold integer ids (encode raw ids with "
            f"keras_recsys.data.IdEncoder). Received dtype {arr.dtype}."
        )
    return arr.astype("int64", copy=False)


def check_id_range(ids, low, high, name):
    if ids.size and (ids.min() < low or ids.max() >= high):
        bad = ids[(ids < low) | (ids >= high)][0]
        raise ValueError(
            f"`{name}` holds id {int(bad)} outside the valid range [{low}, {high - 1}]."
        )


def sorted_unique(values):
    """Sorted distinct values of a 1-D array (sort-based: numpy's hash-based
    `np.unique` is several times slower on a million int64 keys)."""
    s = np.sort(np.asarray(values).reshape(-1))
    if s.size == 0:
        return s
    return s[np.r_[True, s[1:] != s[:-1]]]


def table_ids(frame, id_col, columns, size, name):
    """The checked ids `0..size-1` of `frame[id_col]` (a side or event table)."""
    check_frame(frame, (id_col, *columns), name, (id_col,))
    label = f"{name}[{id_col!r}]"
    ids = as_int_ids(frame[id_col].to_numpy(), label)
    check_id_range(ids, 0, size, label)
    return ids


def per_id_statistics(interactions, id_col, rating_col, size, count_name):
    """Features per id `0..size-1` read off the interactions, float32.

    `{count_name: log1p(count of interactions)}`, plus `"mean_rating"` (0 for
    an id without a known rating) when `rating_col` is not None.
    """
    ids = table_ids(interactions, id_col, (rating_col,), size, "interactions")
    count = np.bincount(ids, minlength=size).astype("float64")
    out = {count_name: np.log1p(count).astype("float32")}
    if rating_col is not None:
        r = interactions[rating_col].to_numpy(dtype="float64")
        known = ~np.isnan(r)
        total = np.bincount(ids[known], weights=r[known], minlength=size)
        n = np.bincount(ids[known], minlength=size)
        mean = np.where(n > 0, total / np.maximum(n, 1), 0.0)
        out["mean_rating"] = mean.astype("float32")
    return out
