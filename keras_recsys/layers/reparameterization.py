import keras
from keras import ops

from keras_recsys.layers._autoencoder_utils import split_pair
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_seed


@keras_recsys_export("keras_recsys.layers.Reparameterization")
class Reparameterization(keras.layers.Layer):
    """The reparameterization trick of a diagonal Gaussian posterior.

    In training, draws `z = mean + exp(0.5 * log_var) * eps` with
    `eps ~ N(0, I)` from a `keras.random.SeedGenerator`, so gradients flow to
    `mean` and `log_var`. At inference (`training=False`, the default of
    `predict` and `evaluate`) it returns `mean`, so predictions are
    deterministic and equal after a save and load.

    Args:
        seed: int. Seed of the noise. Defaults to `None` (a random seed).
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a list `[mean, log_var]` of two float tensors of the same
            shape `(batch, latent_dim)`.
        training: bool. Whether to sample. Defaults to `None` (no sampling).

    Returns:
        A float tensor shaped like `mean`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.Reparameterization(seed=1)
    mean = np.zeros((2, 3), dtype="float32")
    log_var = np.zeros((2, 3), dtype="float32")
    z = layer([mean, log_var], training=True)  # draws from N(0, 1)
    z_mean = layer([mean, log_var])  # returns `mean` at inference
    ```

    References:
        - [Kingma and Welling, 2014. Auto-Encoding Variational Bayes](
          https://arxiv.org/abs/1312.6114)
    """

    def __init__(self, seed=None, **kwargs):
        self.seed = check_seed("seed", seed)
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _split(self, inputs):
        return split_pair(self, inputs, "mean, log_var")

    def build(self, input_shape):
        mean_shape, log_var_shape = self._split(input_shape)
        if tuple(mean_shape) != tuple(log_var_shape):
            raise ValueError(
                "`mean` and `log_var` must have the same shape. Received: "
                f"mean.shape={tuple(mean_shape)}, log_var.shape={tuple(log_var_shape)}"
            )
        self.built = True

    def call(self, inputs, training=None):
        mean, log_var = self._split(inputs)
        mean = ops.cast(mean, self.compute_dtype)
        if not training:
            return mean
        log_var = ops.cast(log_var, self.compute_dtype)
        eps = keras.random.normal(
            ops.shape(mean), dtype=self.compute_dtype, seed=self.seed_generator
        )
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        mean_shape, _ = self._split(input_shape)
        return tuple(mean_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config
