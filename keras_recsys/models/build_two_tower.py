import keras

from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.in_batch_similarity import InBatchSimilarity
from keras_recsys.models._feature_inputs import check_disjoint
from keras_recsys.models._feature_inputs import feature_inputs
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.models.build_two_tower")
def build_two_tower(
    user_features,
    item_features,
    units=(64, 32),
    activation="relu",
    dropout=0.0,
    normalization=None,
    l2_normalize=True,
    embeddings_initializer="uniform",
    embeddings_regularizer=None,
    kernel_regularizer=None,
):
    """Builds a two-tower retrieval model and its separate towers.

    A user tower and an item tower (each a
    `keras_recsys.layers.EmbeddingTower`) map their features to embeddings
    of the same size; `keras_recsys.layers.InBatchSimilarity` scores every
    user of a batch against every item of the batch. Trained with
    `keras_recsys.losses.InBatchSoftmaxLoss`, the other items of the batch
    are each user's negatives.

    The towers are returned as models of their own (sharing the weights of
    the retrieval model): the user model embeds queries at serving time and
    the item model embeds the catalog, which
    `keras_recsys.layers.TopKRetrieval.from_model(item_model, item_inputs,
    ids, k=...)` turns into a top-k index (saved with a model like any
    weights).

    The models are not compiled. The recommended compile and fit (`y` is the
    item ids, for the removal of accidental hits; add a column of sampling
    probabilities for the logQ correction):

    ```
    retrieval.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(temperature=0.05),
    )
    retrieval.fit(features, item_ids, batch_size=1024, shuffle=True)
    ```

    Bad ids: ids are embedded with `keras_recsys.layers.IdEmbedding`, so an
    id out of range raises a `ValueError` in eager calls (PyTorch always)
    and reads a reserved out-of-vocabulary row in compiled TensorFlow and JAX
    graphs; feature dicts that do not match the specs raise naming the
    missing or extra feature.

    Private training: one row is one (user, item) pair, so per-row DP-SGD
    protects a pair; to protect users, group each user's pairs with
    `keras_recsys.privacy.UserGroupedBatches` and train
    `keras_recsys.privacy.DPModel(..., grouped_examples=True)`.

    Args:
        user_features: dict. Feature name -> spec of the user tower (see
            `keras_recsys.layers.EmbeddingTower`), e.g. `{"user_id": {"type":
            "id", "vocabulary_size": 944, "embedding_dim": 32}}`.
        item_features: dict. Same for the item tower. Names must differ from
            the user features' names.
        units: sequence of int. `Dense` widths of each tower; the last is the
            embedding size. Defaults to `(64, 32)`.
        activation: hidden activation. Defaults to `"relu"`.
        dropout: float. Hidden dropout rate. Defaults to `0.0`.
        normalization: `None`, `"batch"` or `"layer"`. Defaults to `None`.
        l2_normalize: bool. Whether embeddings have unit norm (cosine
            scores; use a small temperature). Defaults to `True`.
        embeddings_initializer: initializer of the id tables. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the id tables.
        kernel_regularizer: optional regularizer of the `Dense` kernels.

    Inputs:
        One named input per feature: id features int32 `(batch,)`, id lists
        int32 `(batch, max_len)` padded with 0, numeric float32
        `(batch, dim)`.

    Returns:
        A tuple `(retrieval_model, user_model, item_model)`:
        `retrieval_model` takes all features and returns the `(batch, batch)`
        similarities; `user_model` and `item_model` take their tower's
        features and return `(batch, units[-1])` embeddings.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    retrieval, user_model, item_model = keras_recsys.models.build_two_tower(
        user_features={
            "user_id": {"type": "id", "vocabulary_size": 50, "embedding_dim": 8}
        },
        item_features={
            "item_id": {"type": "id", "vocabulary_size": 40, "embedding_dim": 8},
            "genres": {"type": "id_list", "vocabulary_size": 19, "embedding_dim": 4},
        },
        units=(16, 8),
    )
    batch = {
        "user_id": np.array([1, 2, 3]),
        "item_id": np.array([4, 5, 4]),
        "genres": np.array([[1, 2], [3, 0], [1, 2]]),
    }
    scores = retrieval.predict(batch, verbose=0)  # shape (3, 3)
    index = keras_recsys.layers.TopKRetrieval.from_model(
        item_model,
        {"item_id": np.arange(40), "genres": np.zeros((40, 2), "int32")},
        k=5,
    )
    top_scores, top_ids = index(user_model.predict({"user_id": np.array([1])}, verbose=0))
    ```

    References:
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019.
        - Covington et al., "Deep Neural Networks for YouTube
          Recommendations", RecSys 2016.
    """
    check_disjoint(user_features, item_features)
    common = dict(
        units=units,
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
    if not user_tower.units:
        if user_tower.input_dim != item_tower.input_dim:
            raise ValueError(
                "With `units=()` the towers output their concatenated features, "
                f"whose sizes differ: {user_tower.input_dim} (users) and "
                f"{item_tower.input_dim} (items)"
            )
    user_inputs = feature_inputs(user_tower.feature_specs)
    item_inputs = feature_inputs(item_tower.feature_specs)
    user_embedding = user_tower(user_inputs)
    item_embedding = item_tower(item_inputs)
    scores = InBatchSimilarity(name="in_batch_similarity")(
        [user_embedding, item_embedding]
    )
    retrieval = keras.Model({**user_inputs, **item_inputs}, scores, name="two_tower")
    user_model = keras.Model(user_inputs, user_embedding, name="user_model")
    item_model = keras.Model(item_inputs, item_embedding, name="item_model")
    return retrieval, user_model, item_model
