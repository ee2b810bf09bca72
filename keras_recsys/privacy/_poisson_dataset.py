"""The Poisson-sampled PyDataset that the private data pipelines share."""

import keras

from keras_recsys.privacy import _sampling
from keras_recsys.utils.validation import check_single_worker


class PoissonDataset(keras.utils.PyDataset):
    """Steps that each draw units (examples or users) with probability q.

    A subclass validates its data, calls `super().__init__` with its number
    of units, and builds step `index` from `self.draw(index)`. Step `index`
    of epoch `e` depends on `(seed, e, index)` only, whatever the order the
    steps are read in. One epoch is `steps_per_epoch` independent draws.
    """

    def __init__(
        self,
        x,
        y,
        num_units,
        sampling_probability,
        steps_per_epoch,
        pad_to_multiple_of,
        seed,
        **kwargs,
    ):
        check_single_worker(kwargs, type(self).__name__)
        super().__init__(**kwargs)
        (
            self.sampling_probability,
            self.steps_per_epoch,
            self.pad_to_multiple_of,
        ) = _sampling.check_sampling(
            sampling_probability, steps_per_epoch, pad_to_multiple_of, num_units
        )
        self.num_units = num_units
        self.x = x
        self.y = y
        self.seed = int(seed)
        self.epoch = 0

    def __len__(self):
        return self.steps_per_epoch

    def draw(self, index):
        """`(rng, units, length)` of step `index`: the step's generator, the
        drawn units and the padded batch length."""
        rng = _sampling.step_rng(self.seed, self.epoch, index)
        units = _sampling.poisson_sample(rng, self.num_units, self.sampling_probability)
        return rng, units, _sampling.padded_length(len(units), self.pad_to_multiple_of)

    def on_epoch_end(self):
        self.epoch += 1

    def get_config(self):
        """The sampling parameters (the data itself is not part of it)."""
        return {
            "sampling_probability": self.sampling_probability,
            "steps_per_epoch": self.steps_per_epoch,
            "pad_to_multiple_of": self.pad_to_multiple_of,
            "seed": self.seed,
        }
