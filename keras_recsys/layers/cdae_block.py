import keras
from keras import ops

from keras_recsys.layers import _autoencoder_utils as utils
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.layers.CDAEBlock")
class CDAEBlock(utils.AutoencoderBase):
    """The Collaborative Denoising Autoencoder: a DAE with a user node.

    Computes `h = activation(W x_tilde + V[u] + b)` and the logits
    `W' h + b'`, where `x_tilde` is the user's row corrupted by dropout in
    training and `V[u]` is a learned vector of user `u` (an
    `keras_recsys.layers.IdEmbedding`), as in Wu et al. (2016). Train it
    with a logistic loss on the logits
    (`keras.losses.BinaryCrossentropy(from_logits=True)`), as the paper does,
    or a multinomial one.

    The user vectors start at zero (`user_embeddings_initializer="zeros"`),
    so a user id that no training row used keeps a zero vector and the block
    then acts as a plain denoising autoencoder: reserve such an id (for
    instance 0) for users unseen in training.

    Args:
        num_users: int. Size of the user id table (`IdEncoder.vocabulary_size`).
        hidden_units: int. Size of the hidden layer. Defaults to `50`.
        output_dim: optional int. Number of logits. Defaults to `None`: the
            row's last dimension.
        activation: activation of the hidden layer. Defaults to `"sigmoid"`.
        dropout: float in [0, 1). Input dropout rate (the corruption) in
            training. Defaults to `0.2`.
        l2_normalize: bool. Whether to divide each input row by its L2 norm.
            Defaults to `False`.
        kernel_initializer: initializer of the dense kernels. Defaults to
            `"glorot_uniform"`.
        kernel_regularizer: optional regularizer of the dense kernels.
            Defaults to `None`.
        user_embeddings_initializer: initializer of the user vectors.
            Defaults to `"zeros"`.
        user_embeddings_regularizer: optional regularizer of the user
            vectors. Defaults to `None`.
        seed: optional int. Seed of the dropout. Defaults to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a list `[interactions, user_id]`: float rows
            `(batch, num_items)` of the user x item matrix and integer user ids
            `(batch,)` or `(batch, 1)`.
        training: bool. Whether to apply the input dropout.

    Returns:
        Float tensor `(batch, output_dim)`: logits over the items.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    block = keras_recsys.layers.CDAEBlock(num_users=5, hidden_units=8)
    rows = np.random.default_rng(0).integers(0, 2, (4, 30)).astype("float32")
    logits = block([rows, np.array([0, 1, 2, 4])])  # (4, 30)
    ```

    References:
        - [Wu et al., 2016. Collaborative Denoising Auto-Encoders for Top-N
          Recommender Systems](https://doi.org/10.1145/2835776.2835837)
    """

    def __init__(
        self,
        num_users,
        hidden_units=50,
        output_dim=None,
        activation="sigmoid",
        dropout=0.2,
        l2_normalize=False,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        user_embeddings_initializer="zeros",
        user_embeddings_regularizer=None,
        seed=None,
        **kwargs,
    ):
        self.num_users = check_positive_int("num_users", num_users)
        self.hidden_units = check_positive_int("hidden_units", hidden_units)
        super().__init__(**utils.base_arguments(locals()))
        self.user_embeddings_initializer = keras.initializers.get(
            user_embeddings_initializer
        )
        self.user_embeddings_regularizer = keras.regularizers.get(
            user_embeddings_regularizer
        )
        self.hidden = keras.layers.Dense(
            self.hidden_units,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            dtype=self.dtype_policy,
            name="encoder",
        )
        self.user_embedding = IdEmbedding(
            self.num_users,
            self.hidden_units,
            embeddings_initializer=self.user_embeddings_initializer,
            embeddings_regularizer=self.user_embeddings_regularizer,
            dtype=self.dtype_policy,
            name="user_embedding",
        )

    def _split(self, inputs):
        return utils.split_pair(self, inputs, "interactions, user_id")

    def build(self, input_shape):
        rows_shape, user_shape = self._split(input_shape)
        num_items = utils.check_rows_shape(self, rows_shape, name="interactions")
        user_shape = tuple(user_shape)
        if len(user_shape) > 2 or (len(user_shape) == 2 and user_shape[-1] != 1):
            raise ValueError(
                "`user_id` of CDAEBlock must have shape (batch,) or (batch, 1). "
                f"Received: user_id.shape={user_shape}"
            )
        self.input_dropout.build(rows_shape)
        self.hidden.build((None, num_items))
        self.user_embedding.build((None,))
        self.decoder = keras.layers.Dense(
            self.output_dim or num_items,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            dtype=self.dtype_policy,
            name="decoder",
        )
        self.decoder.build((None, self.hidden_units))
        self.built = True

    def call(self, inputs, training=None):
        rows, user_id = self._split(inputs)
        x = self.corrupt(rows, training, name="interactions")
        if len(user_id.shape) == 2:
            user_id = ops.squeeze(user_id, axis=-1)
        h = self.activation(self.hidden(x) + self.user_embedding(user_id))
        return ops.cast(self.decoder(h), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        rows_shape, _ = self._split(input_shape)
        return (rows_shape[0], self.output_dim or rows_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_users": self.num_users,
                "hidden_units": self.hidden_units,
                "user_embeddings_initializer": keras.initializers.serialize(
                    self.user_embeddings_initializer
                ),
                "user_embeddings_regularizer": keras.regularizers.serialize(
                    self.user_embeddings_regularizer
                ),
            }
        )
        return config
