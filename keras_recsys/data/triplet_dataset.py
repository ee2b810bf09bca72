import numpy as np

from keras_recsys.data import _sampling
from keras_recsys.data._batched_dataset import BatchedDataset
from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_id_range
from keras_recsys.data._utils import sorted_unique
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of


class TripletDataset(BatchedDataset):
    """Batches of (user, positive, negatives) with fresh negatives every epoch.

    Each positive pair `(user_ids[j], item_ids[j])` is served once per epoch
    with `num_negatives` items the user never interacted with, sampled anew
    each epoch (uniformly or by popularity; see
    `keras_recsys.data.sample_negatives`). Negatives of batch `b` in epoch
    `e` depend only on `(seed, e, b)`. Only one worker is supported (see
    `**kwargs`), so the batches Keras trains on do not depend on its
    enqueuer.

    Two layouts:

    - `"listwise"` (default): `x = {user_input: (B,), item_input:
      (B, 1 + num_negatives)}` with the positive in column 0, and
      `y = (B, 1 + num_negatives)` float32 `[1, 0, ..., 0]`: the layout of
      `keras_recsys.losses.BPRLoss` and friends.
    - `"pointwise"`: the same pairs flattened to
      `x = {user_input: (B * (1 + N),), item_input: (B * (1 + N),)}`,
      `y = (B * (1 + N), 1)` labels 1/0, for binary cross-entropy (NCF).

    Args:
        user_ids: 1-D int array of the positive pairs' users.
        item_ids: 1-D int array of the positive pairs' items.
        num_items: int. Size of the item id table
            (`IdEncoder.vocabulary_size`); negatives are drawn from
            `1 .. num_items - 1` (code 0 is reserved and never drawn).
        num_negatives: int. Negatives per positive. Defaults to 1.
        batch_size: int. Positives per batch. Defaults to 256.
        positives: what to exclude besides the pairs themselves (e.g. all
            known interactions); any form `sample_negatives` takes (a
            DataFrame with `user_id`/`item_id`). Defaults to None.
        strategy: str. `"uniform"` or `"popularity"`. Defaults to
            `"uniform"`.
        layout: str. `"listwise"` or `"pointwise"`. Defaults to
            `"listwise"`.
        shuffle: bool. Whether to shuffle the pairs every epoch.
            Defaults to True.
        seed: int. Seed of shuffling and sampling. Defaults to 0.
        user_input: str. Name of the user input. Defaults to `"user_id"`.
        item_input: str. Name of the item input. Defaults to `"item_id"`.
        **kwargs: `keras.utils.PyDataset` arguments. `workers > 1` and
            `use_multiprocessing=True` are a `ValueError`: Keras's enqueuer
            prefetches across epochs (keras-team/keras#23283), which on JAX
            and PyTorch would serve batches of another epoch.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ds = keras_recsys.data.TripletDataset(
        user_ids=np.array([1, 1, 2, 3]), item_ids=np.array([1, 2, 3, 4]),
        num_items=10, num_negatives=3, batch_size=2, seed=0,
    )
    x, y = ds[0]  # x["item_id"].shape == (2, 4); y[:, 0] == 1
    ```
    """

    def __init__(
        self,
        user_ids,
        item_ids,
        num_items: int,
        num_negatives: int = 1,
        batch_size: int = 256,
        positives=None,
        strategy: str = "uniform",
        layout: str = "listwise",
        shuffle: bool = True,
        seed: int = 0,
        user_input: str = "user_id",
        item_input: str = "item_id",
        **kwargs,
    ):
        self.num_items = check_int("num_items", num_items, min_value=2)
        self.num_negatives = check_int("num_negatives", num_negatives, min_value=1)
        self.first_item = _sampling.FIRST_ITEM
        self.layout = check_one_of("layout", layout, ("listwise", "pointwise"))
        self.user_input = user_input
        self.item_input = item_input
        self.user_ids = as_int_ids(np.asarray(user_ids).reshape(-1), "user_ids")
        self.item_ids = as_int_ids(np.asarray(item_ids).reshape(-1), "item_ids")
        if self.user_ids.size == 0:
            raise ValueError("`user_ids` is empty.")
        if self.user_ids.shape != self.item_ids.shape:
            raise ValueError(
                f"`user_ids` and `item_ids` must have the same length. Received "
                f"{self.user_ids.size} and {self.item_ids.size}."
            )
        check_id_range(self.item_ids, 0, self.num_items, "item_ids")
        if self.user_ids.min() < 0:
            raise ValueError("`user_ids` holds negative ids.")
        _sampling.check_encoded_users(self.user_ids, self.num_items, "user_ids")
        super().__init__(self.user_ids.size, batch_size, shuffle, seed, **kwargs)
        if positives is None:
            keys = sorted_unique(self.user_ids * self.num_items + self.item_ids)
            pos_items = self.item_ids
        else:
            keys, pos_items = _sampling.positive_keys(
                positives, None, self.num_items, "user_id", "item_id"
            )
            keys = sorted_unique(
                np.concatenate([keys, self.user_ids * self.num_items + self.item_ids])
            )
        self._keys = keys
        self._probs = _sampling.item_distribution(
            strategy, self.num_items, self.first_item, pos_items, None, 1.0
        )
        _sampling.check_enough(
            self.user_ids,
            keys,
            self.num_items,
            self.first_item,
            self.num_negatives,
            True,
        )
        last_user = int(max(self.user_ids.max(), keys[-1] // self.num_items))
        # Built once: every batch tests its negatives against it.
        self._member = _sampling.Membership(keys, last_user + 1, self.num_items)

    def __getitem__(self, index):
        rows = self.batch_rows(index)
        users = self.user_ids[rows]
        rng = np.random.default_rng([self.seed, self.epoch, index, 1])
        negatives = _sampling.sample(
            rng,
            users,
            self._keys,
            self.num_items,
            self.num_negatives,
            self.first_item,
            self._probs,
            True,
            member=self._member,
        )
        items = np.concatenate([self.item_ids[rows][:, None], negatives], axis=1)
        labels = np.zeros(items.shape, dtype="float32")
        labels[:, 0] = 1.0
        if self.layout == "listwise":
            x = {
                self.user_input: users.astype("int32"),
                self.item_input: items.astype("int32"),
            }
            return x, labels
        width = items.shape[1]
        x = {
            self.user_input: np.repeat(users, width).astype("int32"),
            self.item_input: items.reshape(-1).astype("int32"),
        }
        return x, labels.reshape(-1, 1)
