import keras
import numpy as np

from keras_recsys.layers.vae_block import VAEBlock
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int


def _find_vae_blocks(layer, found):
    if isinstance(layer, VAEBlock):
        found.append(layer)
        return found
    for sub in getattr(layer, "layers", None) or []:
        _find_vae_blocks(sub, found)
    return found


@keras_recsys_export("keras_recsys.callbacks.KLAnnealing")
class KLAnnealing(keras.callbacks.Callback):
    """Raises the KL weight `beta` of a VAE linearly during training.

    Before each training batch, sets the `beta` weight of every
    `keras_recsys.layers.VAEBlock` in the model to
    `min(beta_cap, updates / anneal_steps * beta_cap)`, where `updates`
    counts the optimizer updates made so far by this callback (across
    epochs and across `fit` calls). The first update uses `beta = 0`; after
    `n` updates the blocks hold the value for update `n + 1`, which is what
    a saved model carries.

    It also writes two entries to the epoch logs (the progress bar and
    `history.history`): `"beta"`, the value after the epoch's updates, and `"kl"`, the mean
    over the epoch's batches of the unscaled KL divergence (summed over the
    model's VAE blocks).

    Liang et al. (2018) anneal to a cap of 0.2 over 200,000 updates. On a
    small dataset (a few thousand users, about 10 updates per epoch) set
    `anneal_steps` to the total number of updates of the run, so that `beta`
    reaches the cap by the end.

    Note: Liang et al.'s released code computes
    `min(cap, updates / anneal_steps)`, which reaches the cap after
    `cap * anneal_steps` updates; this callback reaches it after exactly
    `anneal_steps` updates.

    Args:
        anneal_steps: int. Number of updates over which `beta` rises from 0
            to `beta_cap`.
        beta_cap: float >= 0. The final value of `beta`. Defaults to `0.2`.

    Example:

    ```python
    import numpy as np
    import keras
    import keras_recsys

    model = keras_recsys.models.build_mult_vae(30, hidden_units=(16,), latent_dim=8)
    model.compile(
        optimizer="adam",
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    )
    rows = np.random.default_rng(0).integers(0, 2, (40, 30)).astype("float32")
    annealing = keras_recsys.callbacks.KLAnnealing(anneal_steps=8, beta_cap=0.2)
    history = model.fit(
        rows, rows, batch_size=10, epochs=2, callbacks=[annealing], verbose=0
    )
    # history.history["beta"] == [0.1, 0.2]; history.history["kl"] is the KL
    ```

    References:
        - [Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering](https://arxiv.org/abs/1802.05814)
        - [Bowman et al., 2016. Generating Sentences from a Continuous
          Space](https://arxiv.org/abs/1511.06349)
    """

    def __init__(self, anneal_steps, beta_cap=0.2):
        super().__init__()
        self.anneal_steps = check_positive_int("anneal_steps", anneal_steps)
        self.beta_cap = check_float("beta_cap", beta_cap, min_value=0.0)
        self.updates = 0
        self._blocks = []
        self._epoch_kl = []
        self._assigned = None

    def beta_at(self, updates):
        """The value of `beta` for the update after `updates` updates."""
        return min(self.beta_cap, updates / self.anneal_steps * self.beta_cap)

    def _sync(self):
        # The JAX trainer keeps the variables' values outside the model
        # during `fit`; this writes them back (and is absent elsewhere).
        sync = getattr(self.model, "jax_state_sync", None)
        if sync is not None:
            sync()

    def _assign(self, value):
        self._sync()
        for block in self._blocks:
            block.beta.assign(value)
        self._assigned = value

    def on_train_begin(self, logs=None):
        self._blocks = _find_vae_blocks(self.model, [])
        if not self._blocks:
            raise ValueError(
                "KLAnnealing found no keras_recsys.layers.VAEBlock in the model "
                f"{self.model.name!r}; it anneals the `beta` of VAE blocks only."
            )
        self._assigned = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_kl = []

    def on_train_batch_begin(self, batch, logs=None):
        value = self.beta_at(self.updates)
        if value != self._assigned:
            self._assign(value)

    def on_train_batch_end(self, batch, logs=None):
        self.updates += 1
        self._sync()
        self._epoch_kl.append(
            sum(float(keras.ops.convert_to_numpy(b.last_kl)) for b in self._blocks)
        )

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        logs["beta"] = self.beta_at(self.updates)
        if self._epoch_kl:
            logs["kl"] = float(np.mean(self._epoch_kl))

    def on_train_end(self, logs=None):
        self._assign(self.beta_at(self.updates))

    def get_config(self):
        return {"anneal_steps": self.anneal_steps, "beta_cap": self.beta_cap}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
