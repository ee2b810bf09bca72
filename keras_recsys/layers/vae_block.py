import keras
from keras import ops

from keras_recsys.layers import _autoencoder_utils as utils
from keras_recsys.layers.reparameterization import Reparameterization
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_units


@keras_recsys_export("keras_recsys.layers.VAEBlock")
class VAEBlock(utils.AutoencoderBase):
    """A variational autoencoder over user rows (Mult-VAE's network).

    The input row `x` (a user's interactions over all items) is optionally
    L2-normalized, corrupted by dropout in training, and encoded by an MLP
    into the mean and log-variance of a diagonal Gaussian `q(z | x)` with
    `latent_dim` dimensions. A `Reparameterization` layer samples `z` in
    training and returns the mean at inference; the decoder MLP maps `z` to
    one logit per item.

    The layer adds `beta * KL(q(z | x) || N(0, I))` (averaged over the batch)
    to the model's loss with `add_loss`, where `beta` is a non-trainable
    weight of the layer: it is saved with the model, and
    `keras_recsys.callbacks.KLAnnealing` raises it during training. The
    unscaled KL of the last batch is kept in the non-trainable weight
    `last_kl`; `KLAnnealing` averages it over each epoch into the training
    logs as `"kl"` (next to `"beta"`), so it shows in the progress bar and in
    `history.history["kl"]` on every backend.

    With the defaults and the `keras_recsys.losses.MultinomialLogLikelihood`
    loss this is the [I-600-200-600-I] Mult-VAE of Liang et al. (2018).

    Args:
        latent_dim: int. Size of the latent code `z`. Defaults to `200`.
        hidden_units: int or sequence of int. Widths of the encoder's hidden
            layers. Defaults to `(600,)`.
        decoder_units: optional sequence of int. Widths of the decoder's
            hidden layers. Defaults to `None`: `hidden_units` reversed.
        output_dim: optional int. Number of output logits. Defaults to `None`:
            the input's last dimension.
        activation: activation of the hidden layers. Defaults to `"tanh"`.
        dropout: float in [0, 1). Input dropout rate (the corruption) in
            training. Defaults to `0.5`.
        l2_normalize: bool. Whether to divide each input row by its L2 norm.
            Defaults to `True`.
        beta: float >= 0. Initial weight of the KL term. Defaults to `0.0`
            (raised during training by `KLAnnealing`; assign
            `layer.beta` to fix it).
        kernel_initializer: initializer of the dense kernels. Defaults to
            `"glorot_uniform"`.
        kernel_regularizer: optional regularizer of the dense kernels.
            Defaults to `None`.
        seed: optional int. Seed of the dropout and of the sampling. Defaults
            to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor `(batch, num_items)`: rows of the user x item
            matrix (counts or 0/1).
        training: bool. Whether to apply dropout and sample `z`.

    Returns:
        Float tensor `(batch, output_dim)`: unnormalized logits over the items.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    block = keras_recsys.layers.VAEBlock(latent_dim=8, hidden_units=(16,))
    rows = np.random.default_rng(0).integers(0, 2, (4, 30)).astype("float32")
    logits = block(rows)  # (4, 30), the posterior mean decoded
    ```

    References:
        - [Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering](https://arxiv.org/abs/1802.05814)
    """

    def __init__(
        self,
        latent_dim=200,
        hidden_units=(600,),
        decoder_units=None,
        output_dim=None,
        activation="tanh",
        dropout=0.5,
        l2_normalize=True,
        beta=0.0,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        seed=None,
        **kwargs,
    ):
        self.latent_dim = check_positive_int("latent_dim", latent_dim)
        self.hidden_units = check_units("hidden_units", hidden_units)
        self.decoder_units = (
            tuple(reversed(self.hidden_units))
            if decoder_units is None
            else check_units("decoder_units", decoder_units)
        )
        self.initial_beta = check_float("beta", beta, min_value=0.0)
        super().__init__(**utils.base_arguments(locals()))
        self.encoder = utils.dense_stack(
            self.hidden_units,
            self.activation,
            2 * self.latent_dim,
            None,
            self,
            "encoder",
        )
        self.reparameterization = Reparameterization(
            seed=None if seed is None else seed + 1,
            dtype=self.dtype_policy,
            name="reparameterization",
        )

    def build(self, input_shape):
        num_items = utils.check_rows_shape(self, input_shape)
        self.input_dropout.build(input_shape)
        utils.build_stack(self.encoder, num_items)
        self.decoder = utils.dense_stack(
            self.decoder_units,
            self.activation,
            self.output_dim or num_items,
            None,
            self,
            "decoder",
        )
        utils.build_stack(self.decoder, self.latent_dim)
        self.reparameterization.build(
            [(None, self.latent_dim), (None, self.latent_dim)]
        )
        self.beta = self.add_weight(
            name="beta",
            shape=(),
            initializer=keras.initializers.Constant(self.initial_beta),
            trainable=False,
        )
        self.last_kl = self.add_weight(
            name="last_kl",
            shape=(),
            initializer="zeros",
            trainable=False,
        )
        self.built = True

    def encode(self, inputs, training=None):
        """Returns `(mean, log_var)` of `q(z | inputs)`, each `(batch, latent_dim)`."""
        h = utils.run_stack(self.encoder, self.corrupt(inputs, training))
        mean = h[:, : self.latent_dim]
        log_var = h[:, self.latent_dim :]
        return mean, log_var

    def decode(self, z):
        """Returns the logits `(batch, output_dim)` decoded from `z`."""
        return utils.run_stack(self.decoder, ops.cast(z, self.compute_dtype))

    def call(self, inputs, training=None):
        mean, log_var = self.encode(inputs, training=training)
        mean32 = ops.cast(mean, "float32")
        log_var32 = ops.cast(log_var, "float32")
        kl = 0.5 * ops.mean(
            ops.sum(ops.exp(log_var32) + ops.square(mean32) - 1.0 - log_var32, axis=-1)
        )
        self.add_loss(ops.cast(self.beta, "float32") * kl)
        # A weight, not a layer metric: JAX's stateless training step keeps
        # non-trainable weights in sync but not the metrics of a sublayer.
        self.last_kl.assign(kl)
        z = self.reparameterization([mean, log_var], training=training)
        return ops.cast(self.decode(z), self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "hidden_units": list(self.hidden_units),
                "decoder_units": list(self.decoder_units),
                "beta": self.initial_beta,
            }
        )
        return config
