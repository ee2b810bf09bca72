import keras
from keras import ops

from keras_recsys.layers import _autoencoder_utils as utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_units


@keras_recsys_export("keras_recsys.layers.AutoencoderBlock")
class AutoencoderBlock(utils.AutoencoderBase):
    """An autoencoder over rows of the user x item matrix.

    Each input row is optionally L2-normalized, corrupted by dropout in
    training (a denoising autoencoder), encoded by a dense MLP
    (`hidden_units`, the last width is the code) and decoded by a mirrored
    MLP back to `output_dim` values. It is the network of Mult-DAE (Liang et
    al., 2018; `tanh`, dropout 0.5, L2-normalized input, logits out) and of
    AutoRec (Sedhain et al., 2015; one `sigmoid` hidden layer of 500 units,
    identity output, no corruption).

    Args:
        hidden_units: int or sequence of int. Widths of the encoder's layers;
            the last one is the code size. Defaults to `(600, 200)`.
        decoder_units: optional sequence of int. Widths of the decoder's
            hidden layers. Defaults to `None`: `hidden_units[:-1]` reversed.
        output_dim: optional int. Number of outputs. Defaults to `None`: the
            input's last dimension.
        activation: activation of the encoder and decoder hidden layers.
            Defaults to `"tanh"`.
        output_activation: activation of the output layer. Defaults to
            `None` (logits, or rating reconstructions).
        dropout: float in [0, 1). Input dropout rate (the corruption) in
            training. Defaults to `0.0`.
        l2_normalize: bool. Whether to divide each input row by its L2 norm
            before the dropout. Defaults to `False`.
        kernel_initializer: initializer of the dense kernels. Defaults to
            `"glorot_uniform"`.
        kernel_regularizer: optional regularizer of the dense kernels (the
            weight decay of AutoRec and Mult-DAE). Defaults to `None`.
        seed: optional int. Seed of the dropout. Defaults to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor `(batch, num_items)`: rows of the user x item
            matrix (for AutoRec, an item's ratings over the users, 0 where
            unobserved).
        training: bool. Whether to apply the input dropout.

    Returns:
        Float tensor `(batch, output_dim)`: the reconstruction (logits over
        the items unless `output_activation` is set).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    block = keras_recsys.layers.AutoencoderBlock(hidden_units=(16, 8), dropout=0.5)
    rows = np.random.default_rng(0).integers(0, 2, (4, 30)).astype("float32")
    logits = block(rows)  # (4, 30)
    ```

    References:
        - [Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering](https://arxiv.org/abs/1802.05814)
        - [Sedhain et al., 2015. AutoRec: Autoencoders Meet Collaborative
          Filtering](https://doi.org/10.1145/2740908.2742726)
    """

    def __init__(
        self,
        hidden_units=(600, 200),
        decoder_units=None,
        output_dim=None,
        activation="tanh",
        output_activation=None,
        dropout=0.0,
        l2_normalize=False,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        seed=None,
        **kwargs,
    ):
        self.hidden_units = check_units("hidden_units", hidden_units, allow_empty=False)
        self.decoder_units = (
            tuple(reversed(self.hidden_units[:-1]))
            if decoder_units is None
            else check_units("decoder_units", decoder_units)
        )
        super().__init__(**utils.base_arguments(locals()))
        self.output_activation = keras.activations.get(output_activation)
        self.encoder = utils.dense_stack(
            self.hidden_units, self.activation, None, None, self, "encoder"
        )

    def build(self, input_shape):
        num_items = utils.check_rows_shape(self, input_shape)
        self.input_dropout.build(input_shape)
        code_dim = utils.build_stack(self.encoder, num_items)
        self.decoder = utils.dense_stack(
            self.decoder_units,
            self.activation,
            self.output_dim or num_items,
            self.output_activation,
            self,
            "decoder",
        )
        utils.build_stack(self.decoder, code_dim)
        self.built = True

    def encode(self, inputs, training=None):
        """Returns the code `(batch, hidden_units[-1])` of `inputs`."""
        return utils.run_stack(self.encoder, self.corrupt(inputs, training))

    def call(self, inputs, training=None):
        code = self.encode(inputs, training=training)
        return ops.cast(utils.run_stack(self.decoder, code), self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "hidden_units": list(self.hidden_units),
                "decoder_units": list(self.decoder_units),
                "output_activation": keras.activations.serialize(
                    self.output_activation
                ),
            }
        )
        return config
