import numpy as np

from keras_recsys.data import _sampling
from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import rng_from
from keras_recsys.utils.validation import check_int


def sample_negatives(
    user_ids,
    positives,
    num_items: int,
    num_negatives: int = 1,
    strategy: str = "uniform",
    seed=None,
    item_counts=None,
    popularity_power: float = 1.0,
    distinct: bool = True,
    user_col: str = "user_id",
    item_col: str = "item_id",
) -> np.ndarray:
    """Samples negative items for each user, never one of the user's positives.

    Fully vectorized: candidates are drawn for every slot at once, tested for
    membership against the sorted keys `user * num_items + item` of the
    positives with `np.searchsorted`, and only the collisions are redrawn.

    Args:
        user_ids: 1-D int array. One entry per row to sample for (a user may
            appear many times, e.g. once per positive interaction).
        positives: the interactions to exclude: a scipy sparse matrix
            (users x items), a DataFrame with `user_col`/`item_col`, or a
            sequence (or dict) of per-user item arrays.
        num_items: int. Size of the item id table
            (`IdEncoder.vocabulary_size`): item codes are `0 .. num_items - 1`
            and negatives are drawn from `1 .. num_items - 1` (code 0 is
            reserved and never drawn).
        num_negatives: int. Negatives per row. Defaults to 1.
        strategy: str. `"uniform"` or `"popularity"` (probability proportional
            to `count ** popularity_power`). Defaults to `"uniform"`.
        seed: int, sequence of ints, `np.random.Generator` or None. Same seed,
            same negatives. Defaults to None (fresh randomness).
        item_counts: optional array (num_items,) of popularity counts. Defaults
            to the item counts in `positives`.
        popularity_power: float. Exponent on the counts (0.75 is word2vec's).
            Defaults to 1.0.
        distinct: bool. Whether the negatives of one row are all different.
            Defaults to True.
        user_col: str. User column when `positives` is a DataFrame.
            Defaults to `"user_id"`.
        item_col: str. Item column when `positives` is a DataFrame.
            Defaults to `"item_id"`.

    Returns:
        An int64 array (len(user_ids), num_negatives).

    Raises:
        ValueError: if a user has fewer non-interacted items than
            `num_negatives` (with `distinct=True`), on ids out of range or NaN.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    users = np.array([1, 1, 2])
    positives = {1: np.array([1, 2]), 2: np.array([3])}
    negatives = keras_recsys.data.sample_negatives(
        users, positives, num_items=10, num_negatives=4, seed=0
    )  # shape (3, 4), no row holds one of its user's positives
    ```
    """
    num_items = check_int("num_items", num_items, min_value=2)
    num_negatives = check_int("num_negatives", num_negatives, min_value=1)
    first_item = _sampling.FIRST_ITEM
    users = as_int_ids(np.asarray(user_ids).reshape(-1), "user_ids")
    if users.size == 0:
        raise ValueError("`user_ids` is empty.")
    if users.min() < 0:
        raise ValueError(f"`user_ids` holds a negative id {int(users.min())}.")
    _sampling.check_encoded_users(users, num_items, "user_ids")
    keys, pos_items = _sampling.positive_keys(
        positives, None, num_items, user_col, item_col
    )
    probs = _sampling.item_distribution(
        strategy, num_items, first_item, pos_items, item_counts, popularity_power
    )
    _sampling.check_enough(users, keys, num_items, first_item, num_negatives, distinct)
    rng = rng_from(seed)
    return _sampling.sample(
        rng, users, keys, num_items, num_negatives, first_item, probs, distinct
    )
