import keras

from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.models import _docstrings
from keras_recsys.models._feature_inputs import check_disjoint
from keras_recsys.models._feature_inputs import feature_inputs
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_rate
from keras_recsys.utils.validation import check_units


@keras_recsys_export("keras_recsys.models.build_rating_model")
@format_docstring(**_docstrings.PAIRS)
def build_rating_model(
    user_features,
    item_features,
    hidden_units=(64, 32),
    activation="relu",
    dropout=0.0,
    id_biases=True,
    global_mean=0.0,
    embeddings_initializer="uniform",
    embeddings_regularizer=None,
    kernel_regularizer=None,
    name="rating_model",
):
    """Builds a feature-based explicit rating model.

    User features (id, age, gender, occupation, ...) and item features (id,
    genres, ...) are embedded by two `keras_recsys.layers.EmbeddingTower`s,
    concatenated and passed through an MLP whose linear output is the
    predicted rating. With `id_biases=True` every id feature also gets a
    learned scalar bias (a user and an item bias, as in biased matrix
    factorization), added to the output; the output bias starts at
    `global_mean`.

    Bad ids: an id out of range raises a `ValueError` in eager calls
    (PyTorch always) and reads a reserved out-of-vocabulary row in compiled
    TensorFlow and JAX graphs; feature dicts that do not match the specs
    raise naming the missing or extra feature.

    The model is not compiled. The recommended compile:

    ```
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="mse",
        metrics=[keras.metrics.RootMeanSquaredError()],
    )
    ```

    {private_training}

    Args:
        user_features: dict. Feature name -> spec of the user side (see
            `keras_recsys.layers.EmbeddingTower`).
        item_features: dict. Same for the item side; names must differ.
        hidden_units: sequence of int. Hidden widths of the MLP. Defaults to
            `(64, 32)`.
        activation: hidden activation. Defaults to `"relu"`.
        dropout: float. Dropout after each hidden layer. Defaults to `0.0`.
        id_biases: bool. Whether each id feature gets a scalar bias.
            Defaults to `True`.
        global_mean: float. Initial output bias (the training mean rating).
            Defaults to `0.0`.
        embeddings_initializer: initializer of the id tables. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the id tables and
            biases.
        kernel_regularizer: optional regularizer of the `Dense` kernels.
        name: str. Name of the model. Defaults to `"rating_model"`.

    Inputs:
        One named input per feature: id features int32 `(batch,)`, id lists
        int32 `(batch, max_len)` padded with 0, numeric float32
        `(batch, dim)`.

    Returns:
        An uncompiled `keras_recsys.models.BuiltModel` whose output is the
        predicted rating, shape `(batch, 1)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_rating_model(
        user_features={
            "user_id": {"type": "id", "vocabulary_size": 944, "embedding_dim": 8},
            "age": {"type": "numeric", "dim": 1},
        },
        item_features={
            "item_id": {"type": "id", "vocabulary_size": 1683, "embedding_dim": 8},
            "genres": {"type": "id_list", "vocabulary_size": 20, "embedding_dim": 4},
        },
        global_mean=3.5,
    )
    ratings = model.predict(
        {
            "user_id": np.array([1, 2]),
            "age": np.array([[0.3], [0.5]], dtype="float32"),
            "item_id": np.array([10, 20]),
            "genres": np.array([[1, 5], [2, 0]]),
        },
        verbose=0,
    )  # shape (2, 1)
    ```

    References:
        - Covington et al., "Deep Neural Networks for YouTube
          Recommendations", RecSys 2016 (features through an MLP).
        - Koren, Bell and Volinsky, "Matrix Factorization Techniques for
          Recommender Systems", IEEE Computer 2009 (user and item biases).
    """
    check_disjoint(user_features, item_features)
    hidden_units = check_units("hidden_units", hidden_units)
    dropout = check_rate("dropout", dropout)
    global_mean = check_float("global_mean", global_mean)
    id_biases = check_bool("id_biases", id_biases)
    common = dict(
        hidden_units=(),
        embeddings_initializer=embeddings_initializer,
        embeddings_regularizer=embeddings_regularizer,
    )
    user_tower = EmbeddingTower(user_features, name="user_features", **common)
    item_tower = EmbeddingTower(item_features, name="item_features", **common)
    user_inputs = feature_inputs(user_tower.feature_specs)
    item_inputs = feature_inputs(item_tower.feature_specs)
    x = keras.layers.Concatenate(name="features")(
        [user_tower(user_inputs), item_tower(item_inputs)]
    )
    for i, width in enumerate(hidden_units):
        x = keras.layers.Dense(
            width,
            activation=activation,
            kernel_regularizer=kernel_regularizer,
            name=f"dense_{i}",
        )(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    rating = keras.layers.Dense(
        1,
        bias_initializer=keras.initializers.Constant(global_mean),
        kernel_regularizer=kernel_regularizer,
        name="rating",
    )(x)
    if id_biases:
        terms = [rating]
        specs = {**user_tower.feature_specs, **item_tower.feature_specs}
        inputs = {**user_inputs, **item_inputs}
        for feature, spec in specs.items():
            if spec["type"] != "id":
                continue
            terms.append(
                IdEmbedding(
                    spec["vocabulary_size"],
                    1,
                    embeddings_initializer="zeros",
                    embeddings_regularizer=embeddings_regularizer,
                    name=f"{feature}_bias",
                )(inputs[feature])
            )
        if len(terms) > 1:
            rating = keras.layers.Add(name="rating_with_biases")(terms)
    return stamped_model(
        build_rating_model, locals(), {**user_inputs, **item_inputs}, rating
    )
