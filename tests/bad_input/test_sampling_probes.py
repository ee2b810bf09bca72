"""Bad-input probes of the data tools that draw items.

sample_negatives and TripletDataset: only refusals here (the items they draw
move to codes 1..num_items-1 with the id convention of issue #12; their
documented draws are tested in tests/data).
"""

import numpy as np
import pandas as pd
import pytest
from _data_probes import NOT_FINITE
from _data_probes import NOT_INT
from _data_probes import NOT_POSITIVE
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent

USERS = np.array([1, 2, 3])
POSITIVES = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 2, 3]})


def _sample(**kwargs):
    kwargs = {"num_items": 10, "num_negatives": 2, "seed": 0, **kwargs}
    users = kwargs.pop("users", USERS)
    positives = kwargs.pop("positives", POSITIVES)
    return krd.sample_negatives(users, positives, **kwargs)


def _triplets(**kwargs):
    kwargs = {"num_items": 10, "num_negatives": 1, **kwargs}
    users = kwargs.pop("users", USERS)
    items = kwargs.pop("items", np.array([1, 2, 3]))
    return krd.TripletDataset(users, items, **kwargs)


ROWS = []
ROWS += scalar_rows("seed", lambda v: _sample(seed=v), [-1, 1.5, True, "0", np.nan])
ROWS += scalar_rows("num_items", lambda v: _sample(num_items=v), NOT_INT + NOT_POSITIVE)
ROWS += scalar_rows("num_negatives", lambda v: _sample(num_negatives=v), NOT_INT + [-1])
ROWS += scalar_rows(
    "popularity_power",
    lambda v: _sample(strategy="popularity", popularity_power=v),
    NOT_FINITE + ["1", None, True],
)
ROWS += [
    ("strategy='random'", lambda: _sample(strategy="random"), error("strategy")),
    (
        "raw user id 10**12",
        lambda: _sample(
            users=np.array([10**12]),
            positives=pd.DataFrame({"user_id": [10**12], "item_id": [1]}),
        ),
        error("IdEncoder"),
    ),
    (
        "raw item id 10**12",
        lambda: _sample(positives=pd.DataFrame({"user_id": [1], "item_id": [10**12]})),
        error("positives"),
    ),
    ("float user ids", lambda: _sample(users=np.array([1.5, 2.0])), error("user")),
    ("NaN user id", lambda: _sample(users=np.array([np.nan, 2.0])), error("user")),
    ("string user ids", lambda: _sample(users=np.array(["1", "2"])), error("user")),
    (
        "negative item counts",
        lambda: _sample(strategy="popularity", item_counts=-np.ones(10)),
        error("item_counts"),
    ),
    (
        "NaN item counts",
        lambda: _sample(strategy="popularity", item_counts=np.full(10, np.nan)),
        error("item_counts"),
    ),
    (
        "item counts of the wrong length",
        lambda: _sample(strategy="popularity", item_counts=np.ones(4)),
        error("item_counts"),
    ),
    (
        "positives without item_id",
        lambda: _sample(positives=POSITIVES.rename(columns={"item_id": "movie"})),
        error("item_id"),
    ),
]
ROWS = [(f"sample_negatives {label}", *rest) for label, *rest in ROWS]
TRIPLET_ROWS = scalar_rows(
    "num_items", lambda v: _triplets(num_items=v), NOT_INT + NOT_POSITIVE
)
TRIPLET_ROWS += scalar_rows(
    "num_negatives", lambda v: _triplets(num_negatives=v), NOT_INT + [-1]
)
TRIPLET_ROWS += scalar_rows(
    "batch_size", lambda v: _triplets(batch_size=v), NOT_INT + NOT_POSITIVE
)
TRIPLET_ROWS += scalar_rows("seed", lambda v: _triplets(seed=v), [-1, 1.5, "0"])
TRIPLET_ROWS += [
    (
        "raw user id 10**12",
        lambda: _triplets(users=np.array([0, 10**12, 1])),
        error("IdEncoder"),
    ),
    (
        "raw item id 10**12",
        lambda: _triplets(items=np.array([1, 10**12, 2])),
        error("item"),
    ),
    (
        "lengths differ",
        lambda: _triplets(items=np.array([1, 2])),
        error("item_ids|user_ids", match="user_ids|item_ids|length"),
    ),
    ("layout='flat'", lambda: _triplets(layout="flat"), error("layout")),
    ("strategy='random'", lambda: _triplets(strategy="random"), error("strategy")),
    ("workers=2", lambda: _triplets(workers=2), error("workers")),
]
ROWS += [(f"TripletDataset {label}", *rest) for label, *rest in TRIPLET_ROWS]


@pytest.mark.parametrize("probe", params("sampling", ROWS))
def test_sampling(probe):
    check(probe)
