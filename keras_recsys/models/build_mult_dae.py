from keras_recsys.layers.autoencoder_block import AutoencoderBlock
from keras_recsys.models import _docstrings
from keras_recsys.models._rows_model import block_arguments
from keras_recsys.models._rows_model import rows_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_units


@keras_recsys_export("keras_recsys.models.build_mult_dae")
@format_docstring(**_docstrings.ROWS)
def build_mult_dae(
    num_items,
    hidden_units=(600,),
    latent_dim=200,
    dropout=0.5,
    activation="tanh",
    kernel_regularizer=None,
    seed=None,
    name="mult_dae",
):
    """Builds Mult-DAE, the denoising autoencoder of Liang et al. (2018).

    The model reads rows of the user x item matrix and returns logits over
    the items. Inside, a `keras_recsys.layers.AutoencoderBlock` L2-normalizes
    the row, drops inputs out in training (the corruption) and maps it
    through `[num_items -> hidden_units -> latent_dim -> reversed(hidden_units)
    -> num_items]` with `tanh` hidden layers and linear logits.

    The model is returned uncompiled. The paper's recipe (Adam 1e-3, batches
    of 500 rows, multinomial log-likelihood, L2 weight decay; Liang et al.'s
    code uses `lam = 0.01` on the sum of squared weights):

    ```
    model = keras_recsys.models.build_mult_dae(
        num_items, kernel_regularizer=keras.regularizers.L2(0.01 / 500)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )
    model.fit(keras_recsys.data.InteractionMatrixDataset(train_csr, batch_size=500))
    ```

    {private_training}

    Args:
        num_items: int. Size of the item id table (`IdEncoder.vocabulary_size`),
            the row length: column j is item code j; column 0 (the reserved
            code) is always empty in the input and scores `-1e9` in the
            output.
        hidden_units: sequence of int. Widths of the encoder's hidden layers
            before the code (the decoder mirrors them). Defaults to `(600,)`.
        latent_dim: int. Size of the code. Defaults to `200`.
        dropout: float in [0, 1). Input dropout rate in training. Defaults to
            `0.5`.
        activation: activation of the hidden layers. Defaults to `"tanh"`.
        kernel_regularizer: optional regularizer of the kernels. Defaults to
            `None`.
        seed: optional int. Seed of the dropout. Defaults to `None`.
        name: str. Name of the model. Defaults to `"mult_dae"`.

    Inputs:
        interactions: float32 `(batch, num_items)`: a user's row (1 where the
            user interacted, 0 elsewhere).

    {returns}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_mult_dae(50, hidden_units=(16,), latent_dim=8)
    rows = np.random.default_rng(0).integers(0, 2, (4, 50)).astype("float32")
    logits = model.predict(rows, verbose=0)  # (4, 50)
    ```

    References:
        - [Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering](https://arxiv.org/abs/1802.05814)
    """
    num_items = check_positive_int("num_items", num_items)
    hidden_units = check_units("hidden_units", hidden_units)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    block = AutoencoderBlock(
        hidden_units=hidden_units + (latent_dim,),
        l2_normalize=True,
        name="dae",
        **block_arguments(locals()),
    )
    return rows_model(build_mult_dae, locals(), block)
