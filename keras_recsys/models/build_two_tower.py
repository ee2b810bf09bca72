import keras

from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.in_batch_similarity import InBatchSimilarity
from keras_recsys.models import _docstrings
from keras_recsys.models._feature_inputs import check_disjoint
from keras_recsys.models._feature_inputs import feature_inputs
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.models.build_two_tower")
@format_docstring(**_docstrings.PAIRS)
def build_two_tower(
    user_features,
    item_features,
    hidden_units=(64, 32),
    activation="relu",
    dropout=0.0,
    normalization=None,
    l2_normalize=True,
    embeddings_initializer="uniform",
    embeddings_regularizer=None,
    kernel_regularizer=None,
    cross_replica=False,
    name="two_tower",
):
    """Builds a two-tower retrieval model whose towers serve on their own.

    A user tower and an item tower (each a
    `keras_recsys.layers.EmbeddingTower`) map their features to embeddings
    of the same size; `keras_recsys.layers.InBatchSimilarity` scores every
    user of a batch against every item of the batch. Trained with
    `keras_recsys.losses.InBatchSoftmaxLoss`, the other items of the batch
    are each user's negatives.

    The towers are layers of the model, reachable as
    `model.get_layer("user_tower")` and `model.get_layer("item_tower")` (each
    a `keras_recsys.layers.EmbeddingTower` taking a dict of its features):
    the user tower embeds queries at serving time and the item tower embeds
    the catalog, which `keras_recsys.layers.TopKRetrieval.from_model(
    item_tower, item_inputs, k=...)` turns into a top-k index (saved with a
    model like any weights).

    The model is not compiled. The recommended compile and fit (`y` is the
    item ids, for the removal of accidental hits; add a column of sampling
    probabilities for the logQ correction):

    ```
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(temperature=0.05),
    )
    model.fit(features, item_ids, batch_size=1024, shuffle=True)
    ```

    Bad ids: ids are embedded with `keras_recsys.layers.IdEmbedding`, so an
    id out of range raises a `ValueError` in eager calls (PyTorch always)
    and reads a reserved out-of-vocabulary row in compiled TensorFlow and JAX
    graphs; feature dicts that do not match the specs raise naming the
    missing or extra feature.

    {private_training}

    Args:
        user_features: dict. Feature name -> spec of the user tower (see
            `keras_recsys.layers.EmbeddingTower`), e.g. `{"user_id": {"type":
            "id", "vocabulary_size": 944, "embedding_dim": 32}}`, with
            `vocabulary_size` the size of the id table
            (`IdEncoder.vocabulary_size`).
        item_features: dict. Same for the item tower. Names must differ from
            the user features' names.
        hidden_units: sequence of int. `Dense` widths of each tower; the
            last is the embedding size. Defaults to `(64, 32)`.
        activation: hidden activation. Defaults to `"relu"`.
        dropout: float. Hidden dropout rate. Defaults to `0.0`.
        normalization: `None`, `"batch"` or `"layer"`. Defaults to `None`.
        l2_normalize: bool. Whether embeddings have unit norm (cosine
            scores; use a small temperature). Defaults to `True`.
        embeddings_initializer: initializer of the id tables. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the id tables.
        kernel_regularizer: optional regularizer of the `Dense` kernels.
        cross_replica: bool. Whether the similarity scores each replica's
            users against the items of every replica under `tf.distribute`
            (see `keras_recsys.layers.InBatchSimilarity`; pair it with
            `InBatchSoftmaxLoss(cross_replica=True)`). Defaults to `False`.
        name: str. Name of the model. Defaults to `"two_tower"`.

    Inputs:
        One named input per feature: id features int32 `(batch,)`, id lists
        int32 `(batch, max_len)` padded with 0, numeric float32
        `(batch, dim)`.

    Returns:
        An uncompiled `keras_recsys.models.BuiltModel` that takes all
        features and returns the `(batch, batch)` similarities of every user
        of the batch with every item of the batch. Its layers `"user_tower"`
        and `"item_tower"` take their features and return
        `(batch, hidden_units[-1])` embeddings.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_two_tower(
        user_features={
            "user_id": {"type": "id", "vocabulary_size": 50, "embedding_dim": 8}
        },
        item_features={
            "item_id": {"type": "id", "vocabulary_size": 40, "embedding_dim": 8},
            "genres": {"type": "id_list", "vocabulary_size": 19, "embedding_dim": 4},
        },
        hidden_units=(16, 8),
    )
    batch = {
        "user_id": np.array([1, 2, 3]),
        "item_id": np.array([4, 5, 4]),
        "genres": np.array([[1, 2], [3, 0], [1, 2]]),
    }
    scores = model.predict(batch, verbose=0)  # shape (3, 3)
    user_tower = model.get_layer("user_tower")
    index = keras_recsys.layers.TopKRetrieval.from_model(
        model.get_layer("item_tower"),
        {"item_id": np.arange(1, 40), "genres": np.zeros((39, 2), "int32")},
        k=5,
    )
    top_scores, top_ids = index(user_tower({"user_id": np.array([1])}))
    ```

    References:
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019.
        - Covington et al., "Deep Neural Networks for YouTube
          Recommendations", RecSys 2016.
    """
    check_disjoint(user_features, item_features)
    common = dict(
        hidden_units=hidden_units,
        activation=activation,
        dropout=dropout,
        normalization=normalization,
        l2_normalize=l2_normalize,
        embeddings_initializer=embeddings_initializer,
        embeddings_regularizer=embeddings_regularizer,
        kernel_regularizer=kernel_regularizer,
    )
    user_tower = EmbeddingTower(user_features, name="user_tower", **common)
    item_tower = EmbeddingTower(item_features, name="item_tower", **common)
    if not user_tower.hidden_units:
        if user_tower.input_dim != item_tower.input_dim:
            raise ValueError(
                "With `hidden_units=()` the towers output their concatenated "
                f"features, whose sizes differ: {user_tower.input_dim} (users) "
                f"and {item_tower.input_dim} (items)"
            )
    # Each tower is a model of its own (with `predict`, for serving and for
    # indexing the catalog), nested in the retrieval model.
    towers = {}
    for tower in (user_tower, item_tower):
        tower_inputs = feature_inputs(tower.feature_specs)
        towers[tower.name] = keras.Model(
            tower_inputs, tower(tower_inputs), name=tower.name
        )
    user_inputs = feature_inputs(user_tower.feature_specs)
    item_inputs = feature_inputs(item_tower.feature_specs)
    hidden_units = user_tower.hidden_units  # checked, as stamped
    scores = InBatchSimilarity(cross_replica=cross_replica, name="in_batch_similarity")(
        [towers["user_tower"](user_inputs), towers["item_tower"](item_inputs)]
    )
    return stamped_model(
        build_two_tower, locals(), {**user_inputs, **item_inputs}, scores
    )
