"""Private vectorized negative sampler shared by the sampling tools."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_id_range
from keras_recsys.data._utils import sorted_unique
from keras_recsys.utils.rows import repeats_in_rows
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of

_MAX_ROUNDS = 50

# Item code 0 is reserved (padding, unknown ids; docs/concepts.md): the
# samplers draw codes `FIRST_ITEM .. num_items - 1` only.
FIRST_ITEM = 1


def positive_keys(positives, num_users_hint, num_items, user_col, item_col):
    """Returns sorted unique int64 keys `user * num_items + item` of positives.

    `positives` is a scipy sparse matrix (users x items), a DataFrame with
    `user_col`/`item_col`, or a sequence (or dict) of per-user item arrays.
    """
    if sp.issparse(positives):
        coo = sp.coo_matrix(positives)
        if coo.shape[1] > num_items:
            raise ValueError(
                f"`positives` has {coo.shape[1]} item columns but "
                f"num_items={num_items}."
            )
        users = coo.row.astype("int64")
        items = coo.col.astype("int64")
        keep = coo.data != 0
        users, items = users[keep], items[keep]
    elif isinstance(positives, pd.DataFrame):
        check_frame(positives, (user_col, item_col), "positives", (user_col, item_col))
        users = as_int_ids(positives[user_col].to_numpy(), f"positives[{user_col!r}]")
        items = as_int_ids(positives[item_col].to_numpy(), f"positives[{item_col!r}]")
    elif isinstance(positives, dict) or isinstance(positives, (list, tuple)):
        pairs = (
            positives.items() if isinstance(positives, dict) else enumerate(positives)
        )
        us, its = [], []
        for u, row in pairs:
            row = as_int_ids(np.asarray(row).reshape(-1), "positives")
            us.append(np.full(row.shape, int(u), dtype="int64"))
            its.append(row)
        users = np.concatenate(us) if us else np.zeros(0, "int64")
        items = np.concatenate(its) if its else np.zeros(0, "int64")
    else:
        raise TypeError(
            "`positives` must be a scipy sparse matrix, a DataFrame or a "
            "sequence of per-user item arrays. Received: "
            f"{type(positives).__name__}"
        )
    check_id_range(items, 0, num_items, "positives (item ids)")
    if users.size and users.min() < 0:
        raise ValueError("`positives` holds negative user ids.")
    check_encoded_users(users, num_items, "positives (user ids)")
    return sorted_unique(users * num_items + items), items


def check_encoded_users(users, num_items, name):
    """User ids must be dense codes: `user * num_items + item` fits in int64.

    A raw id such as 10**12 would otherwise overflow the keys (a wrong
    answer) or size tables by the largest id (terabytes).
    """
    if users.size and int(users.max()) >= min(2**31, 2**62 // num_items):
        raise ValueError(
            f"`{name}` holds id {int(users.max())}: ids must be dense codes "
            "0..n-1 (encode raw ids with keras_recsys.data.IdEncoder) below "
            f"{min(2**31, 2**62 // num_items)}."
        )


def item_distribution(strategy, num_items, first_item, pos_items, item_counts, power):
    """None for uniform, else a probability vector over all `num_items` ids."""
    if strategy == "uniform":
        return None
    power = check_float("popularity_power", power)
    check_one_of("strategy", strategy, ("uniform", "popularity"))
    if item_counts is None:
        counts = np.bincount(pos_items, minlength=num_items).astype("float64")
    else:
        counts = np.asarray(item_counts, dtype="float64").reshape(-1)
        if counts.shape[0] != num_items:
            raise ValueError(
                f"`item_counts` must have num_items={num_items} entries. "
                f"Received {counts.shape[0]}."
            )
        if np.any(counts < 0) or not np.all(np.isfinite(counts)):
            raise ValueError("`item_counts` must be finite and >= 0.")
    weights = counts**power
    weights[:first_item] = 0.0
    # Items never seen keep a small chance, so every non-positive can be drawn.
    valid = weights[first_item:]
    floor = valid[valid > 0].min() * 1e-3 if np.any(valid > 0) else 1.0
    weights[first_item:] = np.maximum(valid, floor)
    return weights / weights.sum()


def draw(rng, size, num_items, first_item, probs, cdf=None):
    if probs is None:
        return rng.integers(first_item, num_items, size=size, dtype="int64")
    u = rng.random(size)
    return np.minimum(np.searchsorted(cdf, u, side="right"), num_items - 1)


# Largest users x items table kept as a bitset for membership tests (4 MiB);
# beyond it membership uses np.searchsorted on the sorted keys.
_BITSET_MAX_BITS = 2**25


class Membership:
    """Tests whether keys `user * num_items + item` are positives.

    Builds a bitset of the users x items table when it is small (and, with
    `num_queries`, when building it costs less than the queries it speeds
    up); otherwise binary-searches the sorted keys.
    """

    def __init__(self, keys, num_users, num_items, num_queries=None):
        self.keys = keys
        self.bits = None
        size = num_users * num_items
        worth_it = num_queries is None or size <= 64 * num_queries
        if 0 < size <= _BITSET_MAX_BITS and worth_it:
            flags = np.zeros(size, dtype=bool)
            flags[keys[keys < size]] = True
            self.bits = np.packbits(flags, bitorder="little")
            self.size = size

    def __call__(self, k):
        if self.keys.size == 0:
            return np.zeros(k.shape, dtype=bool)
        if self.bits is not None:
            inside = k < self.size
            kk = np.where(inside, k, 0)
            hit = (self.bits[kk >> 3] >> (kk & 7).astype("uint8")) & 1
            return hit.astype(bool) & inside
        idx = np.searchsorted(self.keys, k)
        idx = np.minimum(idx, self.keys.size - 1)
        return self.keys[idx] == k


def sample(
    rng,
    users,
    keys,
    num_items,
    num_negatives,
    first_item,
    probs,
    distinct,
    member=None,
):
    """Draws (len(users), num_negatives) items not in `keys` for each user.

    Candidates are drawn for every slot at once; slots that hit a positive
    (membership of `user * num_items + item` in the sorted keys) or repeat an
    earlier slot of the row are redrawn, and only those.
    """
    n = users.shape[0]
    cdf = None if probs is None else np.cumsum(probs)
    if cdf is not None:
        cdf[-1] = 1.0
    if member is None:
        last_user = keys[-1] // num_items if keys.size else 0
        num_users = int(max(users.max(), last_user)) + 1
        member = Membership(keys, num_users, num_items, n * num_negatives)
    out = draw(rng, (n, num_negatives), num_items, first_item, probs, cdf)
    base = users[:, None] * num_items

    def bad_slots(block, block_base):
        bad = member(block_base + block)
        if distinct and block.shape[1] > 1:
            bad |= repeats_in_rows(block)
        return bad

    bad = bad_slots(out, base)
    rows = np.flatnonzero(bad.any(axis=1))
    bad = bad[rows]
    for _ in range(_MAX_ROUNDS):
        if rows.size == 0:
            return out
        block = out[rows]
        block[bad] = draw(rng, int(bad.sum()), num_items, first_item, probs, cdf)
        out[rows] = block
        bad = bad_slots(block, base[rows])
        hit = bad.any(axis=1)
        rows, bad = rows[hit], bad[hit]
    # Rows still colliding belong to users with few non-positive items left:
    # sample those exactly from their complement.
    for r in rows:
        user = users[r]
        lo = np.searchsorted(keys, user * num_items)
        hi = np.searchsorted(keys, (user + 1) * num_items)
        pos = keys[lo:hi] - user * num_items
        allowed = np.setdiff1d(np.arange(first_item, num_items), pos)
        p = None
        if probs is not None:
            p = probs[allowed] / probs[allowed].sum()
        out[r] = rng.choice(allowed, size=num_negatives, replace=not distinct, p=p)
    return out


def check_enough(users, keys, num_items, first_item, num_negatives, distinct):
    """Raises if some user has fewer non-positive items than requested."""
    uniq = sorted_unique(users)
    # Keys are sorted, so their users are too: count each user's positives
    # by binary search, in memory proportional to the data, not the ids.
    key_users = keys // num_items
    key_users = key_users[keys % num_items >= first_item]
    pos_count = np.searchsorted(key_users, uniq, side="right") - np.searchsorted(
        key_users, uniq, side="left"
    )
    avail = (num_items - first_item) - pos_count
    need = num_negatives if distinct else 1
    short = avail < need
    if np.any(short):
        u = int(uniq[short][0])
        raise ValueError(
            f"User {u} has only {int(avail[short][0])} non-interacted item(s) "
            f"in [{first_item}, {num_items - 1}] but num_negatives="
            f"{num_negatives} were requested"
            + (" (distinct negatives)." if distinct else ".")
        )
