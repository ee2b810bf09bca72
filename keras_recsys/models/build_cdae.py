from keras_recsys.layers.cdae_block import CDAEBlock
from keras_recsys.models import _docstrings
from keras_recsys.models._rows_model import block_arguments
from keras_recsys.models._rows_model import rows_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_cdae")
@format_docstring(**_docstrings.ROWS)
def build_cdae(
    num_users,
    num_items,
    hidden_units=50,
    dropout=0.2,
    activation="sigmoid",
    kernel_regularizer=None,
    user_embeddings_regularizer=None,
    seed=None,
    name="cdae",
):
    """Builds CDAE, the Collaborative Denoising Autoencoder (Wu et al., 2016).

    The model reads a user's row of the user x item matrix and the user's id,
    and returns logits over the items: `W' h + b'` with
    `h = sigmoid(W dropout(x) + V[user_id] + b)`
    (`keras_recsys.layers.CDAEBlock`). User vectors start at zero, so an id
    that no training row used (for example a reserved id 0 for users unseen
    in training) leaves the model a plain denoising autoencoder.

    The model is returned uncompiled. The paper trains a logistic loss on the
    logits with L2 regularization:

    ```
    model = keras_recsys.models.build_cdae(
        num_users, num_items,
        kernel_regularizer=keras.regularizers.L2(1e-5),
        user_embeddings_regularizer=keras.regularizers.L2(1e-5),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    ```

    Private training: rows are users, so `keras_recsys.privacy.DPModel` on
    `keras_recsys.privacy.PoissonBatches` protects each user's whole
    history; the user's own embedding row is a weight like any other and
    gets the same noise.

    Args:
        num_users: int. Size of the user id table
            (`IdEncoder.vocabulary_size`; code 0 the unknown user).
        num_items: int. Size of the item id table (`IdEncoder.vocabulary_size`),
            the row length: column j is item code j; column 0 (the reserved
            code) is always empty in the input and scores `-1e9` in the
            output.
        hidden_units: int. Size of the hidden layer. Defaults to `50`.
        dropout: float in [0, 1). Input dropout rate in training. Defaults to
            `0.2`.
        activation: activation of the hidden layer. Defaults to `"sigmoid"`.
        kernel_regularizer: optional regularizer of the kernels. Defaults to
            `None`.
        user_embeddings_regularizer: optional regularizer of the user
            vectors. Defaults to `None`.
        seed: optional int. Seed of the dropout. Defaults to `None`.
        name: str. Name of the model. Defaults to `"cdae"`.

    Inputs:
        interactions: float32 `(batch, num_items)`: the user's row.
        user_id: int32 `(batch,)`: the user's id.

    {returns}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_cdae(num_users=10, num_items=50)
    rows = np.random.default_rng(0).integers(0, 2, (4, 50)).astype("float32")
    logits = model.predict(
        {"interactions": rows, "user_id": np.array([1, 2, 3, 4])}, verbose=0
    )  # (4, 50)
    ```

    References:
        - [Wu et al., 2016. Collaborative Denoising Auto-Encoders for Top-N
          Recommender Systems](https://doi.org/10.1145/2835776.2835837)
    """
    num_users = check_positive_int("num_users", num_users)
    num_items = check_positive_int("num_items", num_items)
    block = CDAEBlock(
        num_users=num_users,
        hidden_units=hidden_units,
        user_embeddings_regularizer=user_embeddings_regularizer,
        name="cdae_block",
        **block_arguments(locals()),
    )
    return rows_model(build_cdae, locals(), block, user_id=True)
