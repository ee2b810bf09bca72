"""The shuffling and batching that every keras_recsys PyDataset shares."""

import keras
import numpy as np

from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_single_worker

# The `Args:` lines every BatchedDataset shares (`format_docstring`).
DATASET_ARGS = """\
input_name: str or None. None: `x` is the bare array, which a one-input
    model takes as is. A name: `x = {input_name: array}`, for a model whose
    inputs are a dict. Defaults to None.
**kwargs: `keras.utils.PyDataset` arguments (one worker only: Keras's
    enqueuer would prefetch batches across epochs)."""


class BatchedDataset(keras.utils.PyDataset):
    """Rows `0..num_rows-1` served in batches, reshuffled every epoch.

    A subclass validates its own data, calls `super().__init__` with its row
    count, and builds batch `index` from `self.batch_rows(index)`, passing
    the model input through `self.model_input`. The order
    of epoch `e` is a permutation seeded by `(seed, e)` (or `0..n-1` without
    shuffling), computed once per epoch and kept on the dataset itself.
    """

    def __init__(self, num_rows, batch_size, shuffle, seed, input_name=None, **kwargs):
        check_single_worker(kwargs, type(self).__name__)
        super().__init__(**kwargs)
        self.num_rows = int(num_rows)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.shuffle = check_bool("shuffle", shuffle)
        self.seed = check_int("seed", seed, min_value=0)
        if input_name is not None and not isinstance(input_name, str):
            raise TypeError(
                "`input_name` must be a str or None. "
                f"Received: input_name={input_name!r}"
            )
        self.input_name = input_name
        self.epoch = 0
        self._order = None

    def __len__(self):
        return -(-self.num_rows // self.batch_size)

    def epoch_order(self):
        """The row order of the current epoch."""
        if self._order is None or self._order[0] != self.epoch:
            if self.shuffle:
                rng = np.random.default_rng([self.seed, self.epoch])
                order = rng.permutation(self.num_rows)
            else:
                order = np.arange(self.num_rows)
            self._order = (self.epoch, order)
        return self._order[1]

    def batch_rows(self, index):
        """The rows of batch `index` in the current epoch."""
        if index < 0 or index >= len(self):
            raise IndexError(f"Batch index {index} out of range [0, {len(self)}).")
        start = index * self.batch_size
        return self.epoch_order()[start : start + self.batch_size]

    def model_input(self, x):
        """`x` itself, or `{input_name: x}` when an input name was given.

        The bare array is the default: Keras warns that "the structure of
        `inputs` doesn't match" when a one-input functional model (built from
        a single `keras.Input`) receives a one-key dict.
        """
        return x if self.input_name is None else {self.input_name: x}

    def on_epoch_end(self):
        self.epoch += 1
