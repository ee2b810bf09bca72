import numpy as np

from keras_recsys.privacy import _sampling
from keras_recsys.privacy._poisson_dataset import PoissonDataset
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


def _group(data, rows, k):
    """`data[rows]` reshaped to `(len(rows) // k, k, ...)`."""
    if isinstance(data, dict):
        return {name: _group(v, rows, k) for name, v in data.items()}
    part = np.asarray(data)[rows]
    return part.reshape((-1, k) + part.shape[1:])


@keras_recsys_export("keras_recsys.privacy.UserGroupedBatches")
class UserGroupedBatches(PoissonDataset):
    """Poisson-sampled batches of users for pair or sequence data, each
    user's rows grouped into one example: user-level DP-SGD.

    With one row per (user, item) pair, clipping each row protects a pair,
    not a user: a user with 200 pairs would move the model 200 times as much.
    Here, each step draws every user independently with probability
    `sampling_probability`, takes at most `max_rows_per_user` of that user's
    rows (a fresh random subset when there are more), and yields them as one
    group: inputs of shape `(users, max_rows_per_user, ...)`, targets alike
    and a `(users, max_rows_per_user)` sample weight that is 0 on padding.
    Train with `keras_recsys.privacy.DPModel(..., grouped_examples=True)`,
    which clips each user's gradient (over all of their rows) to the norm
    C, so the guarantee is per user.

    Args:
        user_ids: 1D array. The user of each row.
        x: numpy array or dict of arrays, one row per pair (or sequence).
        y: numpy array, the targets of the rows.
        sampling_probability: float in (0, 1]. The probability q that a user
            enters a batch.
        max_rows_per_user: int. The contribution bound: rows kept per user
            and step.
        steps_per_epoch: int or `None`. `None` uses
            `round(1 / sampling_probability)`. Defaults to `None`.
        pad_to_multiple_of: int. The user axis is padded to a multiple of
            it. Defaults to `1`.
        seed: int. Defaults to `0`.
        **kwargs: passed to `keras.utils.PyDataset`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    users = np.array([0, 0, 0, 1, 2, 2])
    pairs = {"user_id": users, "item_id": np.array([1, 2, 3, 1, 2, 4])}
    labels = np.ones((6,), dtype="float32")
    batches = keras_recsys.privacy.UserGroupedBatches(
        users, pairs, labels, sampling_probability=0.5, max_rows_per_user=2
    )
    bx, by, weight = batches[0]
    # bx["item_id"].shape == (sampled users, 2); weight is 0 on padding
    ```

    References:
        - [McMahan et al., 2018. Learning Differentially Private Recurrent
          Language Models](https://arxiv.org/abs/1710.06963)
    """

    def __init__(
        self,
        user_ids,
        x,
        y,
        sampling_probability=0.01,
        max_rows_per_user=16,
        steps_per_epoch=None,
        pad_to_multiple_of=1,
        seed=0,
        **kwargs,
    ):
        user_ids = np.asarray(user_ids)
        if user_ids.ndim != 1:
            raise ValueError(f"`user_ids` must be 1D. Received: shape {user_ids.shape}")
        n = len(user_ids)
        for name, part in (("x", x), ("y", y)):
            if _sampling.num_rows(part) != n:
                raise ValueError(
                    f"`{name}` must have one row per entry of `user_ids` ({n}). "
                    f"Received: {_sampling.num_rows(part)} rows"
                )
        self.max_rows_per_user = check_positive_int(
            "max_rows_per_user", max_rows_per_user
        )
        order = np.argsort(user_ids, kind="stable")
        users, starts = np.unique(user_ids[order], return_index=True)
        self.num_users = len(users)
        self._rows_of_user = np.split(order, starts[1:])
        super().__init__(
            x,
            y,
            self.num_users,
            sampling_probability,
            steps_per_epoch,
            pad_to_multiple_of,
            seed,
            **kwargs,
        )

    def __getitem__(self, index):
        rng, drawn, length = self.draw(index)
        k = self.max_rows_per_user
        # Padding slots point at row 0 and carry weight 0.
        rows = np.zeros((length, k), dtype="int64")
        weight = np.zeros((length, k), dtype="float32")
        for slot, user in enumerate(drawn):
            own = self._rows_of_user[user]
            if len(own) > k:
                own = rng.choice(own, size=k, replace=False)
            rows[slot, : len(own)] = own
            weight[slot, : len(own)] = 1.0
        flat = rows.ravel()
        return _group(self.x, flat, k), _group(self.y, flat, k), weight

    def get_config(self):
        return {**super().get_config(), "max_rows_per_user": self.max_rows_per_user}
