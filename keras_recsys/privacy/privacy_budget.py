import keras

from keras_recsys.privacy import _accounting
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float


@keras_recsys_export("keras_recsys.privacy.PrivacyBudget")
class PrivacyBudget(keras.callbacks.Callback):
    """Writes the epsilon spent so far into the training logs each epoch.

    Counts the training steps (batches) of `fit` and, at the end of each
    epoch, adds `"epsilon"` to the logs (and so to `history.history`): the
    epsilon at `delta` of that many Poisson-sampled Gaussian steps, computed
    by `keras_recsys.privacy.compute_epsilon` with Google's `dp-accounting`.
    The count carries over successive `fit` calls; `steps` holds it and
    `epsilon` the last value. Give it the parameters of the run: the
    `noise_multiplier` of the `DPModel` and the `sampling_probability` of
    the `PoissonBatches` (or `UserGroupedBatches`).

    Args:
        noise_multiplier: float >= 0. sigma.
        sampling_probability: float in (0, 1]. q.
        delta: float in (0, 1).
        accountant: `"rdp"` or `"pld"`. Defaults to `"rdp"`.

    Example:

    ```python
    import keras_recsys

    budget = keras_recsys.privacy.PrivacyBudget(
        noise_multiplier=1.0, sampling_probability=0.1, delta=1e-4
    )
    # model.fit(..., callbacks=[budget]); history.history["epsilon"]
    ```

    References:
        - [Abadi et al., 2016. Deep Learning with Differential
          Privacy](https://arxiv.org/abs/1607.00133)
    """

    def __init__(self, noise_multiplier, sampling_probability, delta, accountant="rdp"):
        super().__init__()
        self.noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0.0)
        self.sampling_probability = _accounting.check_probability(sampling_probability)
        self.delta = _accounting.check_delta(delta)
        _accounting.make_accountant(accountant)
        self.accountant = accountant
        self.steps = 0
        self.epsilon = 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        self.epsilon = _accounting.epsilon(
            self.noise_multiplier,
            self.sampling_probability,
            self.steps,
            self.delta,
            self.accountant,
        )
        if logs is not None:
            logs["epsilon"] = self.epsilon

    def get_config(self):
        return {
            "noise_multiplier": self.noise_multiplier,
            "sampling_probability": self.sampling_probability,
            "delta": self.delta,
            "accountant": self.accountant,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
