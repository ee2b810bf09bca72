import numpy as np

from keras_recsys.privacy import _sampling
from keras_recsys.privacy._poisson_dataset import PoissonDataset
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.privacy.PoissonBatches")
class PoissonBatches(PoissonDataset):
    """Batches drawn by Poisson sampling, as DP-SGD's accounting assumes.

    For each step, every example (row) enters the batch independently with
    probability `sampling_probability`, so batch sizes vary around
    `sampling_probability * num_examples`. Each batch is padded with zero
    rows to a multiple of `pad_to_multiple_of` (so that compiled steps see
    few shapes) and yields `(x, y, sample_weight)` with weight 1 for drawn
    rows and 0 for padding, which `keras_recsys.privacy.DPModel` ignores.
    One epoch is `steps_per_epoch` independent draws.

    For models that read one row per user (Mult-VAE, Mult-DAE, CDAE,
    U-AutoRec) a row is a user, so the guarantee is per user.

    Args:
        x: numpy array, dict of arrays, or scipy sparse matrix (rows are
            densified per batch). The inputs, one row per example.
        y: the same kinds, or `None`. The targets.
        sampling_probability: float in (0, 1]. The probability q that an
            example enters a batch.
        steps_per_epoch: int or `None`. Draws per epoch. `None` uses
            `round(1 / sampling_probability)` (one pass in expectation).
            Defaults to `None`.
        pad_to_multiple_of: int. Batches are padded to a multiple of it
            (use the `microbatch_size` of the `DPModel`). Defaults to `1`.
        seed: int. Seed of the draws; a step's draw depends only on the
            seed, the epoch and the step. Defaults to `0`.
        **kwargs: passed to `keras.utils.PyDataset` (`workers`, ...).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    x = np.arange(20, dtype="float32").reshape(10, 2)
    batches = keras_recsys.privacy.PoissonBatches(
        x, x, sampling_probability=0.5, pad_to_multiple_of=4
    )
    bx, by, weight = batches[0]
    # bx.shape[0] is a multiple of 4; weight marks the drawn rows (1.0)
    ```

    References:
        - [Abadi et al., 2016. Deep Learning with Differential
          Privacy](https://arxiv.org/abs/1607.00133)
    """

    def __init__(
        self,
        x,
        y=None,
        sampling_probability=0.01,
        steps_per_epoch=None,
        pad_to_multiple_of=1,
        seed=0,
        **kwargs,
    ):
        self.num_examples = _sampling.num_rows(x)
        if y is not None and _sampling.num_rows(y) != self.num_examples:
            raise ValueError(
                "`x` and `y` must have the same number of rows. Received: "
                f"{self.num_examples} and {_sampling.num_rows(y)}"
            )
        super().__init__(
            x,
            y,
            self.num_examples,
            sampling_probability,
            steps_per_epoch,
            pad_to_multiple_of,
            seed,
            **kwargs,
        )

    def __getitem__(self, index):
        _, rows, length = self.draw(index)
        weight = np.zeros((length,), dtype="float32")
        weight[: len(rows)] = 1.0
        bx = _sampling.take_rows(self.x, rows, length)
        if self.y is None:
            return bx, None, weight
        return bx, _sampling.take_rows(self.y, rows, length), weight
