import numpy as np
import pandas as pd

from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_int


def make_synthetic(
    num_users: int = 1000,
    num_items: int = 500,
    num_factors: int = 8,
    interactions_per_user: int = 20,
    factor_strength: float = 3.0,
    popularity_skew: float = 1.0,
    start_time: int = 1_600_000_000,
    seed: int | None = 0,
    return_factors: bool = False,
):
    """A synthetic implicit-feedback dataset with planted user and item factors.

    Each user `u` interacts with items drawn without replacement from
    `softmax(factor_strength * <p_u, q_i> / sqrt(num_factors) + b_i)`, where
    `p_u, q_i ~ N(0, I)` are planted factors and `b_i = -popularity_skew *
    log(1 + r_i)` gives items a Zipf-like popularity (`r_i` a random rank).
    A model that recovers the factors ranks held-out items well above the
    popularity baseline; with `factor_strength=0` popularity is the best one
    can do. Timestamps are Unix seconds: each user starts at a random time in
    the year after `start_time` and events follow at exponential gaps
    (mean one day), in random order (the order carries no signal).

    Args:
        num_users: int. Size of the user id table: users are codes
            `1 .. num_users - 1` (0 is reserved, as in
            `keras_recsys.data.IdEncoder`). Defaults to 1000.
        num_items: int. Size of the item id table: items are codes
            `1 .. num_items - 1`, so the ids feed builders that take
            `num_items` directly. Defaults to 500.
        num_factors: int. Dimension of the planted factors. Defaults to 8.
        interactions_per_user: int. Mean events per user (each user has at
            least 3, at most `num_items // 2`). Defaults to 20.
        factor_strength: float >= 0. Weight of the planted factors.
            Defaults to 3.0.
        popularity_skew: float >= 0. Strength of the popularity bias.
            Defaults to 1.0.
        start_time: int. Earliest Unix time. Defaults to 1_600_000_000.
        seed: int or None. Same seed, same data. Defaults to 0.
        return_factors: bool. Whether to also return the planted model.
            Defaults to False.

    Returns:
        A DataFrame with `user_id`, `item_id` (int64), `rating` (float32, all
        1.0) and `timestamp` (int64), sorted by user then time; with
        `return_factors=True`, `(df, {"user_factors", "item_factors",
        "item_bias", "scores_scale"})` where the true preference logit of
        `(u, i)` is `scores_scale * user_factors[u] @ item_factors[i] +
        item_bias[i]`, indexed by code (row 0, the reserved code, has zero
        factors and an item bias of `-1e9`).

    Example:

    ```python
    import keras_recsys

    df = keras_recsys.data.make_synthetic(num_users=50, num_items=40, seed=0)
    df.columns.tolist()  # ["user_id", "item_id", "rating", "timestamp"]
    ```
    """
    num_users = check_int("num_users", num_users, min_value=2)
    num_items = check_int("num_items", num_items, min_value=7)
    num_factors = check_int("num_factors", num_factors, min_value=1)
    interactions_per_user = check_int(
        "interactions_per_user", interactions_per_user, min_value=3
    )
    factor_strength = check_float("factor_strength", factor_strength, min_value=0.0)
    popularity_skew = check_float("popularity_skew", popularity_skew, min_value=0.0)
    max_events = num_items // 2
    # Code 0 is reserved: draw over the real codes, shift them at the end.
    num_users, num_items = num_users - 1, num_items - 1
    if interactions_per_user > max_events:
        raise ValueError(
            f"`interactions_per_user`={interactions_per_user} exceeds half the "
            f"catalog ({max_events}); use more items."
        )
    rng = np.random.default_rng(seed)
    user_factors = rng.normal(size=(num_users, num_factors)).astype("float32")
    item_factors = rng.normal(size=(num_items, num_factors)).astype("float32")
    ranks = rng.permutation(num_items)
    item_bias = (-popularity_skew * np.log1p(ranks)).astype("float32")
    scale = float(factor_strength) / np.sqrt(num_factors)
    counts = 3 + rng.poisson(interactions_per_user - 3, size=num_users)
    counts = np.minimum(counts, max_events)
    k_max = int(counts.max())

    users, items = [], []
    chunk = max(1, 2**22 // num_items)
    for lo in range(0, num_users, chunk):
        hi = min(lo + chunk, num_users)
        logits = scale * user_factors[lo:hi] @ item_factors.T + item_bias
        # Gumbel top-k: the k largest perturbed logits are a draw without
        # replacement from softmax(logits).
        perturbed = logits + rng.gumbel(size=logits.shape)
        top = np.argpartition(-perturbed, k_max - 1, axis=1)[:, :k_max]
        top_vals = np.take_along_axis(perturbed, top, axis=1)
        top = np.take_along_axis(top, np.argsort(-top_vals, axis=1), axis=1)
        keep = np.arange(k_max)[None, :] < counts[lo:hi, None]
        users.append(np.broadcast_to(np.arange(lo, hi)[:, None], top.shape)[keep])
        items.append(top[keep])
    users = np.concatenate(users).astype("int64")
    items = np.concatenate(items).astype("int64")
    n = users.size
    # Random event order per user, then exponential gaps.
    order = np.lexsort((rng.random(n), users))
    users, items = users[order], items[order]
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    gaps = rng.exponential(86400.0, size=n)
    gaps[starts] = 0.0
    user_start = start_time + rng.uniform(0, 365 * 86400.0, size=num_users)
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[starts], counts)
    timestamps = (user_start[users] + cum).astype("int64")
    df = pd.DataFrame(
        {
            "user_id": users + 1,
            "item_id": items + 1,
            "rating": np.ones(n, dtype="float32"),
            "timestamp": timestamps,
        }
    )
    if return_factors:
        model = {
            "user_factors": np.vstack([np.zeros_like(user_factors[:1]), user_factors]),
            "item_factors": np.vstack([np.zeros_like(item_factors[:1]), item_factors]),
            "item_bias": np.r_[np.float32(-1e9), item_bias],
            "scores_scale": scale,
        }
        return df, model
    return df
