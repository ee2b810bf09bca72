"""Users' item histories held as offsets into one flat array (CSR).

A dense `(num_users, longest history)` table costs the longest history for
every user (one user with 10,000 purchases makes a table of 10,000 columns
for a million users); the flat array costs one entry per interaction.
"""

import numpy as np
from keras import ops

from keras_recsys.utils import backend_utils


def history_arrays(user_codes, item_codes, num_users, max_history=None):
    """Flat history arrays from interaction codes, oldest first per user.

    Args:
        user_codes, item_codes: int arrays, one entry per interaction (codes
            `>= 1`), in time order.
        num_users: int. The size of the user id table (codes `0..n`).
        max_history: int or None. Keep only each user's latest items.

    Returns:
        `(items, offsets, length)`: `items` int32 `(entries + 1,)` whose
        entry 0 is a padding 0, then the users' items in code order of the
        users; `offsets` int32 `(num_users + 1,)`: user `c`'s items are
        `items[offsets[c]:offsets[c + 1]]`; `length` the longest history
        (at least 1).
    """
    order = np.argsort(user_codes, kind="stable")
    users = np.asarray(user_codes)[order].astype("int32")
    items = np.asarray(item_codes)[order].astype("int32")
    del order
    counts = np.bincount(users, minlength=num_users)
    if max_history is not None and counts.size and counts.max() > max_history:
        ends = np.cumsum(counts)
        from_end = ends[users] - 1 - np.arange(len(users))
        keep = from_end < max_history
        users, items = users[keep], items[keep]
        counts = np.minimum(counts, max_history)
    offsets = np.concatenate([[0], np.cumsum(counts)]) + 1
    length = max(int(counts.max()) if counts.size else 0, 1)
    items = np.concatenate([np.zeros(1, "int32"), items])
    return items, offsets[: num_users + 1].astype("int32"), length


def gather_history(items, offsets, user, length):
    """int32 `(batch, length)`: each user's last `length` items, left-padded.

    `user` holds user codes; code 0 (unknown) has no items.
    """
    start = ops.expand_dims(ops.take(offsets, user), 1)
    end = ops.expand_dims(ops.take(offsets, user + 1), 1)
    index = end - length + ops.expand_dims(ops.arange(length, dtype="int32"), 0)
    # Entry 0 of `items` is the padding 0.
    return ops.take(items, ops.where(ops.greater_equal(index, start), index, 0))


def history_rows(history, num_items):
    """float32 `(batch, num_items)`: 1 at the codes in `history`, else 0."""
    batch = ops.shape(history)[0]
    width = history.shape[1]
    rows = ops.repeat(ops.expand_dims(ops.arange(batch, dtype="int32"), 1), width, 1)
    indices = ops.stack([ops.reshape(rows, (-1,)), ops.reshape(history, (-1,))], 1)
    ones = ops.ones((ops.shape(indices)[0],), "float32")
    dense = ops.minimum(ops.scatter(indices, ones, (batch, num_items)), 1.0)
    # Padding (code 0) lands in column 0, which stays 0.
    not_padding = ops.greater(ops.arange(num_items, dtype="int32"), 0)
    return dense * ops.cast(ops.expand_dims(not_padding, 0), "float32")


def history_codes(item_lookup, histories):
    """int32 `(batch, longest)` codes of raw item histories, left-padded."""
    rows = [np.asarray(h).reshape(-1) for h in histories]
    width = max([len(r) for r in rows] + [1])
    codes = np.zeros((len(rows), width), dtype="int32")
    for i, row in enumerate(rows):
        if len(row):
            codes[i, width - len(row) :] = backend_utils.to_numpy(item_lookup(row))
    return codes
