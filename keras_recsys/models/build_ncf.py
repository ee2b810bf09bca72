import keras
import numpy as np

from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.models import _docstrings
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_units

VARIANTS = ("neumf", "gmf", "mlp")


@keras_recsys_export("keras_recsys.models.build_ncf")
@format_docstring(**_docstrings.PAIRS)
def build_ncf(
    num_users,
    num_items,
    variant="neumf",
    embedding_dim=64,
    mlp_embedding_dim=None,
    hidden_units=(128, 64),
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

    {private_training}

    Args:
        num_users: int. Size of the user id table (`IdEncoder.vocabulary_size`:
            codes `1 .. num_users - 1`, 0 the unknown user).
        num_items: int. Size of the item id table (codes `1 .. num_items - 1`,
            0 reserved).
        variant: str. `"neumf"`, `"gmf"` or `"mlp"`. Defaults to `"neumf"`.
        embedding_dim: int. Size of the GMF embeddings (GMF's predictive
            factors). Defaults to `64`.
        mlp_embedding_dim: int. Size of each of the MLP's user and item
            embeddings. Defaults to `hidden_units[0]` (so the concatenation is
            twice the first hidden layer, as in the paper's towers).
        hidden_units: sequence of int. Hidden layer widths of the MLP; the last
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
        An uncompiled `keras_recsys.models.BuiltModel` whose output is one
        logit per pair, shape `(batch, 1)` (apply a sigmoid for a
        probability); `model.hyperparameters` holds the arguments above.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_ncf(
        num_users=10, num_items=20, variant="neumf", embedding_dim=8,
        hidden_units=(16, 8),
    )
    logits = model.predict(
        {"user_id": np.array([1, 3]), "item_id": np.array([5, 19])}, verbose=0
    )  # shape (2, 1)
    ```

    References:
        - He et al., "Neural Collaborative Filtering", WWW 2017.
    """
    num_users = check_positive_int("num_users", num_users)
    num_items = check_positive_int("num_items", num_items)
    variant = check_one_of("variant", variant, VARIANTS)
    embedding_dim = check_positive_int("embedding_dim", embedding_dim)
    hidden_units = check_units("hidden_units", hidden_units, allow_empty=False)
    if mlp_embedding_dim is None:
        mlp_embedding_dim = hidden_units[0]
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
        for i, units in enumerate(hidden_units):
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
    name = name or f"ncf_{variant}"
    return stamped_model(
        build_ncf, locals(), {"user_id": user_id, "item_id": item_id}, logits
    )


def _ncf_stamp(model, argument, variant):
    """The hyper-parameters `build_ncf(variant=variant)` stamped on `model`."""
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`{argument}` must be a keras.Model from `build_ncf`. "
            f"Received: {argument} of type {type(model).__name__}"
        )
    stamp = getattr(model, "hyperparameters", None) or {}
    if (
        getattr(model, "builder", None) != "build_ncf"
        or stamp.get("variant") != variant
    ):
        raise ValueError(
            f"`{argument}` must be a model from `build_ncf(variant={variant!r})`. "
            f"Received: {argument}={model.name!r} built by "
            f"{getattr(model, 'builder', None)!r} with variant={stamp.get('variant')!r}"
        )
    return stamp


@keras_recsys_export("keras_recsys.models.neumf_from_pretrained")
def neumf_from_pretrained(gmf_model, mlp_model, alpha=0.5, name=None):
    """Builds a NeuMF model initialized from a trained GMF and a trained MLP.

    The pre-training scheme of He et al. 2017 (section 3.4.1): train GMF and
    MLP separately, then start NeuMF from their weights. The embeddings and
    the MLP's hidden layers are copied; the output layer is the two output
    layers side by side, weighted `alpha` (GMF) and `1 - alpha` (MLP). So the
    new model's logit is, before any further training, exactly
    `alpha * gmf_logit + (1 - alpha) * mlp_logit`. The paper then fine-tunes
    it with plain SGD (Adam's moment estimates are not carried over), or
    Adam with a small learning rate.

    The returned model is not compiled. Its sizes (users, items, GMF and MLP
    embedding dimensions, hidden layers, activation) are read from the
    hyper-parameters stamped on the two given models (`model.hyperparameters`,
    kept through `.keras` save and load), which must agree on users and
    items.

    Args:
        gmf_model: a trained model from `build_ncf(variant="gmf")`.
        mlp_model: a trained model from `build_ncf(variant="mlp")`.
        alpha: float in `[0, 1]`. Weight of the GMF output layer. Defaults to
            `0.5` (the paper's).
        name: optional model name. Defaults to `"ncf_neumf"`.

    Returns:
        An uncompiled NeuMF `keras.Model` with the inputs and output of
        `build_ncf(variant="neumf")`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    gmf = keras_recsys.models.build_ncf(10, 20, variant="gmf", embedding_dim=4)
    mlp = keras_recsys.models.build_ncf(10, 20, variant="mlp", hidden_units=(8, 4))
    # ... train gmf and mlp ...
    neumf = keras_recsys.models.neumf_from_pretrained(gmf, mlp, alpha=0.5)
    pairs = {"user_id": np.array([1, 3]), "item_id": np.array([5, 19])}
    np.testing.assert_allclose(
        neumf.predict(pairs, verbose=0),
        0.5 * gmf.predict(pairs, verbose=0) + 0.5 * mlp.predict(pairs, verbose=0),
        rtol=1e-5, atol=1e-6,
    )
    ```

    References:
        - He et al., "Neural Collaborative Filtering", WWW 2017.
    """
    gmf = _ncf_stamp(gmf_model, "gmf_model", "gmf")
    mlp = _ncf_stamp(mlp_model, "mlp_model", "mlp")
    alpha = check_float("alpha", alpha, min_value=0.0, max_value=1.0)
    sizes = {
        argument: (stamp["num_users"], stamp["num_items"])
        for argument, stamp in (("gmf_model", gmf), ("mlp_model", mlp))
    }
    if sizes["gmf_model"] != sizes["mlp_model"]:
        raise ValueError(
            "`gmf_model` and `mlp_model` must have the same numbers of users "
            f"and items. Received: (num_users, num_items) = "
            f"{sizes['gmf_model']} and {sizes['mlp_model']}"
        )
    neumf = build_ncf(
        gmf["num_users"],
        gmf["num_items"],
        variant="neumf",
        embedding_dim=gmf["embedding_dim"],
        mlp_embedding_dim=mlp["mlp_embedding_dim"],
        hidden_units=mlp["hidden_units"],
        activation=mlp["activation"],
        name=name or "ncf_neumf",
    )
    hidden = [f"mlp_dense_{i}" for i in range(len(mlp["hidden_units"]))]
    gmf_out = gmf_model.get_layer("prediction")
    mlp_out = mlp_model.get_layer("prediction")
    for layer_name, source in (
        ("gmf_user_embedding", gmf_model),
        ("gmf_item_embedding", gmf_model),
        ("mlp_user_embedding", mlp_model),
        ("mlp_item_embedding", mlp_model),
        *((layer_name, mlp_model) for layer_name in hidden),
    ):
        weights = source.get_layer(layer_name).get_weights()
        neumf.get_layer(layer_name).set_weights(weights)
    gmf_kernel, gmf_bias = gmf_out.get_weights()
    mlp_kernel, mlp_bias = mlp_out.get_weights()
    neumf.get_layer("prediction").set_weights(
        [
            np.concatenate([alpha * gmf_kernel, (1.0 - alpha) * mlp_kernel], axis=0),
            alpha * gmf_bias + (1.0 - alpha) * mlp_bias,
        ]
    )
    return neumf
