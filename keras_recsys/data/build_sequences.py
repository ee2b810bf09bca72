import numpy as np
import pandas as pd

from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import rank_in_group
from keras_recsys.data._utils import user_time_order
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of


def build_sequences(
    df: pd.DataFrame,
    max_len: int,
    padding: str = "pre",
    min_length: int = 2,
    user_col: str = "user_id",
    item_col: str = "item_id",
    time_col: str | None = "timestamp",
) -> dict:
    """Per-user time-ordered item sequences with next-item targets, padded with 0.

    For a user whose items in time order are `s_1 .. s_L`, the input sequence
    is `s_1 .. s_{L-1}` and the target at each position is the next item,
    `s_2 .. s_L`. Both keep the most recent `max_len` positions and are
    padded with 0 (the padding id, so item ids must be >= 1: encode them with
    `keras_recsys.data.IdEncoder`). Time order is that of
    `keras_recsys.data.leave_last_out` (missing times first, equal times in
    input order).

    Args:
        df: DataFrame of interactions with integer item ids >= 1.
            Not modified.
        max_len: int >= 1. Length of every sequence.
        padding: str. `"pre"` pads on the left (the latest item is last),
            `"post"` on the right. Defaults to `"pre"`.
        min_length: int. Users with fewer events are left out. Defaults to
            2 (one input and one target).
        user_col: str. User id column. Defaults to `"user_id"`.
        item_col: str. Item id column. Defaults to `"item_id"`.
        time_col: str or None. Time column (None: input order).
            Defaults to `"timestamp"`.

    Returns:
        A dict with `"user_id"` (num_users,) of the users' ids (sorted),
        `"item_sequence"` (num_users, max_len) int32 and `"target"`
        (num_users, max_len) int32, 0 where padded.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": [7, 7, 7], "item_id": [3, 1, 2],
                       "timestamp": [1, 2, 3]})
    seqs = keras_recsys.data.build_sequences(df, max_len=4)
    # seqs["item_sequence"] == [[0, 0, 3, 1]], seqs["target"] == [[0, 0, 1, 2]]
    ```

    References:
        Kang and McAuley, "Self-Attentive Sequential Recommendation",
        ICDM 2018.
    """
    check_frame(df, (user_col, item_col, time_col), "df", (user_col, item_col))
    max_len = check_int("max_len", max_len, min_value=1)
    check_one_of("padding", padding, ("pre", "post"))
    min_length = check_int("min_length", min_length, min_value=2)
    items = as_int_ids(df[item_col].to_numpy(), f"df[{item_col!r}]")
    if items.min() < 1:
        raise ValueError(
            f"Column {item_col!r} holds id {int(items.min())}; item ids must be "
            ">= 1 because 0 is the padding id (encode ids with "
            "keras_recsys.data.IdEncoder)."
        )
    n = len(df)
    order, sorted_users, starts, counts = user_time_order(df, user_col, time_col)
    users_raw = df[user_col].to_numpy()[order[starts]]
    keep_user = counts >= min_length
    seq_items = items[order]
    rank = rank_in_group(starts, counts, n)
    length = np.repeat(counts, counts)
    group = np.repeat(np.cumsum(keep_user) - 1, counts)
    # Row j (rank r) is an input when r < L - 1; its target is row j + 1.
    from_end = (length - 2) - rank  # 0 for the last input
    is_input = (rank < length - 1) & (from_end < max_len) & np.repeat(keep_user, counts)
    idx = np.flatnonzero(is_input)
    if padding == "pre":
        col = max_len - 1 - from_end[idx]
    else:
        n_inputs = np.minimum(length[idx] - 1, max_len)
        col = n_inputs - 1 - from_end[idx]
    num_out = int(keep_user.sum())
    seqs = np.zeros((num_out, max_len), dtype="int32")
    targets = np.zeros((num_out, max_len), dtype="int32")
    seqs[group[idx], col] = seq_items[idx]
    targets[group[idx], col] = seq_items[idx + 1]
    return {
        "user_id": users_raw[keep_user],
        "item_sequence": seqs,
        "target": targets,
    }
