from keras_recsys.layers.vae_block import VAEBlock
from keras_recsys.models import _docstrings
from keras_recsys.models._rows_model import block_arguments
from keras_recsys.models._rows_model import rows_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_mult_vae")
@format_docstring(**_docstrings.ROWS)
def build_mult_vae(
    num_items,
    hidden_units=(600,),
    latent_dim=200,
    dropout=0.5,
    activation="tanh",
    beta=0.0,
    kernel_regularizer=None,
    seed=None,
    name="mult_vae",
):
    """Builds Mult-VAE, the variational autoencoder of Liang et al. (2018).

    The model reads rows of the user x item matrix and returns logits over
    the items; `softmax(logits)` is the multinomial distribution of the
    user's next interactions. Inside, a `keras_recsys.layers.VAEBlock`
    L2-normalizes the row, applies input dropout in training, encodes it to a
    Gaussian posterior, samples from it in training (its mean at inference,
    so `predict` is deterministic) and decodes. The block adds
    `beta * KL` to the loss; `beta` is a weight saved with the model, raised
    by `keras_recsys.callbacks.KLAnnealing`.

    The model is returned uncompiled. The paper's recipe:

    ```
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )
    model.fit(
        keras_recsys.data.InteractionMatrixDataset(train_csr, batch_size=500),
        epochs=200,
        callbacks=[keras_recsys.callbacks.KLAnnealing(anneal_steps, beta_cap=0.2)],
    )
    ```

    `keras.losses.CategoricalCrossentropy(from_logits=True)` gives the same
    gradients on 0/1 rows up to a per-row scale (it divides by the row's
    count).

    {private_training}

    Args:
        num_items: int. Size of the item id table (`IdEncoder.vocabulary_size`),
            the row length: column j is item code j; column 0 (the reserved
            code) is always empty in the input and scores `-1e9` in the
            output.
        hidden_units: sequence of int. Widths of the encoder's hidden layers
            (the decoder mirrors them). Defaults to `(600,)`.
        latent_dim: int. Size of the latent code. Defaults to `200`.
        dropout: float in [0, 1). Input dropout rate in training. Defaults to
            `0.5`.
        activation: activation of the hidden layers. Defaults to `"tanh"`.
        beta: float >= 0. Initial KL weight. Defaults to `0.0`.
        kernel_regularizer: optional regularizer of the kernels. Defaults to
            `None` (the paper uses none for Mult-VAE).
        seed: optional int. Seed of the dropout and the sampling. Defaults to
            `None`.
        name: str. Name of the model. Defaults to `"mult_vae"`.

    Inputs:
        interactions: float32 `(batch, num_items)`: a user's row (1 where the
            user interacted, 0 elsewhere; counts work too).

    {returns}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    rows = np.random.default_rng(0).integers(0, 2, (4, 50)).astype("float32")
    rows[:, 0] = 0  # the reserved code 0 is never an item
    model = keras_recsys.models.build_mult_vae(50, hidden_units=(16,), latent_dim=8)
    model.compile(optimizer="adam", loss=keras_recsys.losses.MultinomialLogLikelihood())
    # The KL weight beta rises from 0 to 0.2 over 100 steps (Liang et al.).
    annealing = keras_recsys.callbacks.KLAnnealing(anneal_steps=100, beta_cap=0.2)
    model.fit(rows, rows, callbacks=[annealing], verbose=0)
    logits = model.predict(rows, verbose=0)  # (4, 50)
    ```

    References:
        - [Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering](https://arxiv.org/abs/1802.05814)
    """
    num_items = check_positive_int("num_items", num_items)
    block = VAEBlock(
        latent_dim=latent_dim,
        hidden_units=hidden_units,
        l2_normalize=True,
        beta=beta,
        name="vae",
        **block_arguments(locals()),
    )
    return rows_model(build_mult_vae, locals(), block)
