import numpy as np

from keras_recsys.data import _sampling
from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_id_range
from keras_recsys.data._utils import rng_from
from keras_recsys.data._utils import sorted_unique
from keras_recsys.utils.validation import check_int


def sampled_candidates(
    user_ids,
    heldout_items,
    interactions,
    num_items: int,
    num_negatives: int = 100,
    strategy: str = "uniform",
    seed=None,
    shuffle: bool = False,
    user_col: str = "user_id",
    item_col: str = "item_id",
) -> np.ndarray:
    """Fixed candidate lists for the sampled protocol: held-out item + N negatives.

    Each row is the user's held-out item followed by `num_negatives` distinct
    items the user never interacted with (neither in `interactions` nor the
    held-out item itself), as in the leave-one-out protocol of He et al. 2017
    (1 + 99) and Rendle et al. 2020 (1 + 100).

    Args:
        user_ids: 1-D int array (num_rows,). The users to evaluate.
        heldout_items: 1-D int array (num_rows,). Each user's held-out item.
        interactions: everything the user interacted with (train and test):
            a scipy sparse matrix, a DataFrame or per-user item arrays, as
            `keras_recsys.data.sample_negatives` takes.
        num_items: int. Size of the item id table
            (`IdEncoder.vocabulary_size`); negatives are drawn from
            `1 .. num_items - 1` (code 0 is reserved and never drawn).
        num_negatives: int. Negatives per row. Defaults to 100.
        strategy: str. `"uniform"` or `"popularity"`. Defaults to `"uniform"`.
        seed: int or None. Same seed, same lists. Defaults to None.
        shuffle: bool. Whether to put the held-out item at a random column
            instead of column 0. Metrics that break ties by the lower index
            favour column 0, so shuffle when scores may tie. Defaults to False.
        user_col: str. User column when `interactions` is a DataFrame.
        item_col: str. Item column when `interactions` is a DataFrame.

    Returns:
        An int64 array (num_rows, 1 + num_negatives) of item ids.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    train = {1: np.array([1, 2, 3]), 2: np.array([4, 5])}
    candidates = keras_recsys.data.sampled_candidates(
        user_ids=np.array([1, 2]),
        heldout_items=np.array([6, 7]),
        interactions=train,
        num_items=50,
        num_negatives=9,
        seed=0,
    )  # shape (2, 10); candidates[:, 0] == [6, 7]
    ```

    References:
        He et al., "Neural Collaborative Filtering", WWW 2017.
    """
    num_items = check_int("num_items", num_items, min_value=2)
    num_negatives = check_int("num_negatives", num_negatives, min_value=1)
    first_item = _sampling.FIRST_ITEM
    users = as_int_ids(np.asarray(user_ids).reshape(-1), "user_ids")
    held = as_int_ids(np.asarray(heldout_items).reshape(-1), "heldout_items")
    if users.size == 0:
        raise ValueError("`user_ids` is empty.")
    if held.shape != users.shape:
        raise ValueError(
            "`heldout_items` must have one item per user. Received "
            f"{held.shape[0]} items for {users.shape[0]} users."
        )
    if users.min() < 0:
        raise ValueError(f"`user_ids` holds a negative id {int(users.min())}.")
    check_id_range(held, first_item, num_items, "heldout_items")
    keys, pos_items = _sampling.positive_keys(
        interactions, None, num_items, user_col, item_col
    )
    keys = sorted_unique(np.concatenate([keys, users * num_items + held]))
    probs = _sampling.item_distribution(
        strategy, num_items, first_item, pos_items, None, 1.0
    )
    _sampling.check_enough(users, keys, num_items, first_item, num_negatives, True)
    rng = rng_from(seed)
    negatives = _sampling.sample(
        rng, users, keys, num_items, num_negatives, first_item, probs, True
    )
    out = np.concatenate([held[:, None], negatives], axis=1)
    if shuffle:
        perm = np.argsort(rng.random(out.shape), axis=1)
        out = np.take_along_axis(out, perm, axis=1)
    return out
