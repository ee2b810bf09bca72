import keras

from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_units

VARIANTS = ("neumf", "gmf", "mlp")


@keras_recsys_export("keras_recsys.models.build_ncf")
def build_ncf(
    num_users,
    num_items,
    variant="neumf",
    embedding_dim=64,
    mlp_embedding_dim=None,
    mlp_units=(128, 64),
    activation="relu",
    embeddings_initializer="random_normal",
    embeddings_regularizer=None,
    name=None,
):
    """Builds a Neural Collaborative Filtering model (GMF, MLP or NeuMF).

    The model scores (user, item) pairs. GMF multiplies a user and an item
    embedding element-wise; MLP concatenates two other embeddings and passes
    them through a ReLU tower; NeuMF concatenates the last GMF and MLP vectors.
    A final `Dense(1)` gives one logit per pair.

    Ids are embedded with `keras_recsys.layers.IdEmbedding`: an id out of
    range raises a `ValueError` in eager calls (the layer or model called
    directly, `run_eagerly=True`, and the PyTorch backend) and reads a reserved
    out-of-vocabulary row in compiled graphs (TensorFlow and JAX `fit` /
    `predict`); it never reads another id's row.

    The returned model is not compiled. The recommended compile (the paper's
    log loss on sampled negatives):

    ```
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    ```

    Args:
        num_users: int. Number of users (ids `0 .. num_users - 1`).
        num_items: int. Number of items (ids `0 .. num_items - 1`).
        variant: str. `"neumf"`, `"gmf"` or `"mlp"`. Defaults to `"neumf"`.
        embedding_dim: int. Size of the GMF embeddings (GMF's predictive
            factors). Defaults to `64`.
        mlp_embedding_dim: int. Size of each of the MLP's user and item
            embeddings. Defaults to `mlp_units[0]` (so the concatenation is
            twice the first hidden layer, as in the paper's towers).
        mlp_units: sequence of int. Hidden layer widths of the MLP; the last
            is the MLP's predictive factors. Defaults to `(128, 64)`.
        activation: activation of the MLP's hidden layers. Defaults to
            `"relu"`.
        embeddings_initializer: initializer of every embedding table.
            Defaults to `"random_normal"` (stddev 0.05; the paper uses
            N(0, 0.01)).
        embeddings_regularizer: optional regularizer of every embedding
            table. Defaults to `None`.
        name: optional model name. Defaults to `"ncf_<variant>"`.

    Inputs:
        user_id: int32 tensor of shape `(batch,)`.
        item_id: int32 tensor of shape `(batch,)`.

    Returns:
        An uncompiled functional `keras.Model` whose output is one logit per
        pair, shape `(batch, 1)` (apply a sigmoid for a probability).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_ncf(
        num_users=10, num_items=20, variant="neumf", embedding_dim=8,
        mlp_units=(16, 8),
    )
    logits = model.predict(
        {"user_id": np.array([0, 3]), "item_id": np.array([5, 19])}, verbose=0
    )  # shape (2, 1)
    ```

    References:
        - He et al., "Neural Collaborative Filtering", WWW 2017.
    """
    num_users = check_positive_int("num_users", num_users)
    num_items = check_positive_int("num_items", num_items)
    variant = check_one_of("variant", variant, VARIANTS)
    embedding_dim = check_positive_int("embedding_dim", embedding_dim)
    mlp_units = check_units("mlp_units", mlp_units, allow_empty=False)
    if mlp_embedding_dim is None:
        mlp_embedding_dim = mlp_units[0]
    mlp_embedding_dim = check_positive_int("mlp_embedding_dim", mlp_embedding_dim)

    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    item_id = keras.Input(shape=(), dtype="int32", name="item_id")

    def embed(num, dim, layer_name):
        return IdEmbedding(
            num,
            dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            name=layer_name,
        )

    parts = []
    if variant in ("gmf", "neumf"):
        gmf_user = embed(num_users, embedding_dim, "gmf_user_embedding")(user_id)
        gmf_item = embed(num_items, embedding_dim, "gmf_item_embedding")(item_id)
        parts.append(keras.layers.Multiply(name="gmf_product")([gmf_user, gmf_item]))
    if variant in ("mlp", "neumf"):
        mlp_user = embed(num_users, mlp_embedding_dim, "mlp_user_embedding")(user_id)
        mlp_item = embed(num_items, mlp_embedding_dim, "mlp_item_embedding")(item_id)
        x = keras.layers.Concatenate(name="mlp_concat")([mlp_user, mlp_item])
        for i, units in enumerate(mlp_units):
            x = keras.layers.Dense(units, activation=activation, name=f"mlp_dense_{i}")(
                x
            )
        parts.append(x)
    x = (
        parts[0]
        if len(parts) == 1
        else keras.layers.Concatenate(name="neumf_concat")(parts)
    )
    logits = keras.layers.Dense(1, name="prediction")(x)
    return keras.Model(
        {"user_id": user_id, "item_id": item_id},
        logits,
        name=name or f"ncf_{variant}",
    )
