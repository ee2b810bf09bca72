import keras

from keras_recsys.layers.autoencoder_block import AutoencoderBlock
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_autorec")
def build_autorec(
    num_inputs,
    hidden_units=500,
    activation="sigmoid",
    kernel_regularizer=None,
    name="autorec",
):
    """Builds AutoRec (Sedhain et al., 2015) for explicit ratings.

    I-AutoRec, the paper's better variant, reads one row per item: the item's
    ratings by all `num_inputs` users (0 where unobserved), and reconstructs
    it as `W sigmoid(V r + mu) + b` (a `keras_recsys.layers.AutoencoderBlock`
    with one hidden layer and identity output). The reconstruction at user
    `u` is the predicted rating of (u, item). U-AutoRec is the same model on
    user rows.

    The model is returned uncompiled. The paper's objective is the squared
    error on observed ratings only plus L2 weight decay:

    ```
    model = keras_recsys.models.build_autorec(
        num_users, kernel_regularizer=keras.regularizers.L2(1e-3)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MaskedMeanSquaredError(row_reduction="sum"),
    )
    ```

    Clip predictions to the rating scale (`[1, 5]` for MovieLens); the
    paper's code predicts a default rating of 3 for users or items absent
    from the training ratings.

    Private training: U-AutoRec reads one row per user, so
    `keras_recsys.privacy.DPModel` on `keras_recsys.privacy.PoissonBatches`
    protects each user; I-AutoRec's rows are items, and a user's ratings
    spread over many rows, so per-row DP-SGD does not protect a user.

    Args:
        num_inputs: int. Length of a row: for I-AutoRec the size of the user
            id table (`IdEncoder.vocabulary_size`, column j for user code j;
            column 0, the unknown user, stays empty).
        hidden_units: int. Size of the hidden layer. Defaults to `500`.
        activation: activation of the hidden layer. Defaults to `"sigmoid"`.
        kernel_regularizer: optional regularizer of both kernels (the
            paper's `lambda / 2 * ||W||^2`). Defaults to `None`.
        name: str. Name of the model. Defaults to `"autorec"`.

    Inputs:
        interactions: float32 `(batch, num_inputs)`: ratings, 0 where
            unobserved.

    Returns:
        An uncompiled `keras_recsys.models.BuiltModel` whose output is float32
        `(batch, num_inputs)` reconstructed ratings.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_autorec(num_inputs=40, hidden_units=8)
    ratings = np.random.default_rng(0).integers(0, 6, (3, 40)).astype("float32")
    predicted = model.predict(ratings, verbose=0)  # (3, 40)
    ```

    References:
        - [Sedhain et al., 2015. AutoRec: Autoencoders Meet Collaborative
          Filtering](https://doi.org/10.1145/2740908.2742726)
    """
    num_inputs = check_positive_int("num_inputs", num_inputs)
    hidden_units = check_positive_int("hidden_units", hidden_units)
    inputs = keras.Input(shape=(num_inputs,), name="interactions", dtype="float32")
    outputs = AutoencoderBlock(
        hidden_units=(hidden_units,),
        activation=activation,
        output_activation=None,
        dropout=0.0,
        l2_normalize=False,
        kernel_regularizer=kernel_regularizer,
        name="autoencoder",
    )(inputs)
    return stamped_model(build_autorec, locals(), inputs, outputs)
