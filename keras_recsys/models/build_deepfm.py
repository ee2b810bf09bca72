import keras

from keras_recsys.layers.factorization_machine import FactorizationMachine
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.models import _docstrings
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate
from keras_recsys.utils.validation import check_units


@keras_recsys_export("keras_recsys.models.build_deepfm")
@format_docstring(**_docstrings.PAIRS)
def build_deepfm(
    field_vocabulary_sizes,
    embedding_dim=8,
    hidden_units=(64, 32),
    activation="relu",
    dropout=0.0,
    embeddings_initializer="uniform",
    embeddings_regularizer=None,
    name="deepfm",
):
    """Builds DeepFM: a factorization machine and an MLP over shared fields.

    Each categorical field (user id, item id, gender, occupation, ...) has an
    embedding of size `embedding_dim` and a first-order weight. The logit is
    the sum of the first-order terms, the FM's pairwise interactions of the
    field embeddings (`keras_recsys.layers.FactorizationMachine`) and an MLP
    over the concatenated field embeddings; both parts share the embeddings.

    Ids are embedded with `keras_recsys.layers.IdEmbedding`: an id out of
    range raises a `ValueError` in eager calls (PyTorch always) and reads a
    reserved out-of-vocabulary row in compiled TensorFlow and JAX graphs.

    The model is not compiled. The recommended compile (click-through style
    binary labels):

    ```
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.AUC(from_logits=True)],
    )
    ```

    {private_training}

    Args:
        field_vocabulary_sizes: dict. Field name -> size of its id table
            (`IdEncoder.vocabulary_size`: codes `1 .. n - 1`, 0 the unknown
            value). Each field becomes an input of that name.
        embedding_dim: int. Size of the field embeddings. Defaults to `8`.
        hidden_units: sequence of int. Hidden widths of the deep part. Defaults
            to `(64, 32)`.
        activation: hidden activation. Defaults to `"relu"`.
        dropout: float. Dropout after each hidden layer. Defaults to `0.0`.
        embeddings_initializer: initializer of the tables. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the tables.
        name: str. Name of the model. Defaults to `"deepfm"`.

    Inputs:
        One int32 input of shape `(batch,)` per field, named after it.

    Returns:
        An uncompiled `keras_recsys.models.BuiltModel` whose output is one
        logit per example, shape `(batch, 1)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_deepfm(
        {"user_id": 100, "item_id": 50, "gender": 3}, embedding_dim=4
    )
    logits = model.predict(
        {
            "user_id": np.array([1, 2]),
            "item_id": np.array([3, 49]),
            "gender": np.array([1, 2]),
        },
        verbose=0,
    )  # shape (2, 1)
    ```

    References:
        - Guo et al., "DeepFM: A Factorization-Machine based Neural Network
          for CTR Prediction", IJCAI 2017.
    """
    if not isinstance(field_vocabulary_sizes, dict) or len(field_vocabulary_sizes) < 2:
        raise ValueError(
            "`field_vocabulary_sizes` must be a dict of at least two fields "
            f"name -> vocabulary size. Received: {field_vocabulary_sizes!r}"
        )
    field_vocabulary_sizes = {
        field: check_positive_int(f"field_vocabulary_sizes[{field!r}]", size)
        for field, size in sorted(field_vocabulary_sizes.items())
    }
    embedding_dim = check_positive_int("embedding_dim", embedding_dim)
    hidden_units = check_units("hidden_units", hidden_units)
    dropout = check_rate("dropout", dropout)

    inputs = {
        f: keras.Input(shape=(), dtype="int32", name=f) for f in field_vocabulary_sizes
    }
    fields = []
    first_order = []
    for field, size in field_vocabulary_sizes.items():
        vector = IdEmbedding(
            size,
            embedding_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            name=f"{field}_embedding",
        )(inputs[field])
        fields.append(keras.layers.Reshape((1, embedding_dim))(vector))
        first_order.append(
            IdEmbedding(
                size,
                1,
                embeddings_initializer="zeros",
                embeddings_regularizer=embeddings_regularizer,
                name=f"{field}_weight",
            )(inputs[field])
        )
    stacked = keras.layers.Concatenate(axis=1, name="fields")(fields)
    linear = keras.layers.Add(name="first_order")(first_order)
    interactions = FactorizationMachine(name="fm")(stacked)
    x = keras.layers.Flatten(name="deep_input")(stacked)
    for i, width in enumerate(hidden_units):
        x = keras.layers.Dense(width, activation=activation, name=f"deep_dense_{i}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"deep_dropout_{i}")(x)
    deep = keras.layers.Dense(1, name="deep_output")(x)
    logits = keras.layers.Add(name="logit")([linear, interactions, deep])
    return stamped_model(build_deepfm, locals(), inputs, logits)
