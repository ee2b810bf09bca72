import keras
import numpy as np

from keras_recsys.layers.catalog_candidates import CatalogCandidates
from keras_recsys.layers.in_batch_similarity import InBatchSimilarity
from keras_recsys.layers.reserved_id_mask import ReservedIdMask
from keras_recsys.utils.api_export import keras_recsys_export


def _fresh_inputs(inputs):
    return {
        name: keras.Input(shape=x.shape[1:], dtype=x.dtype, name=name)
        for name, x in inputs.items()
    }


def _is_two_tower(model):
    names = {layer.name for layer in model.layers}
    return {"user_tower", "item_tower", "in_batch_similarity"} <= names


@keras_recsys_export("keras_recsys.models.add_catalog_scores")
def add_catalog_scores(model, candidates, output_name="catalog"):
    """Adds an output scoring the whole catalog, for ranking metrics in `fit`.

    Ranking metrics need a score for every item of the catalog (or of a
    fixed candidate set); a two-tower model outputs an in-batch `(batch,
    batch)` matrix and NCF or DeepFM one score per (user, item) pair. This
    returns a model with the same inputs and weights and two outputs: the
    original one, under `"scores"`, and `(batch, num_candidates)` scores of
    every candidate, under `output_name`:

    - two-tower models (`keras_recsys.models.build_two_tower`): the item
      tower embeds the candidates' features at every step (so the embeddings
      follow its training), and each query embedding is scored against them;
      memory `O(num_candidates * dim + batch * num_candidates)`.
    - pair models (`build_ncf`, `build_deepfm`, `build_rating_model`): the
      model scores every (query, candidate) pair, `batch * num_candidates`
      pairs per step; the candidates' features replace the item inputs.

    Compile with no loss on the new output and ranking metrics on it, and
    give it the target ids (sparse `y_true`, see
    `keras_recsys.metrics.sparse_targets`):

    ```
    model.compile(
        optimizer="adam",
        loss={"scores": loss, "catalog": None},
        metrics={"catalog": [keras_recsys.metrics.RecallAtK(10)]},
    )
    model.fit(x, {"scores": y, "catalog": target_ids}, validation_data=...)
    ```

    Scoring the catalog at every training step costs one pass of the item
    tower over the catalog (pair models: `num_candidates` times the batch);
    for large catalogs validate with `keras_recsys.callbacks.TopKEvaluation`
    instead.

    Args:
        model: a built `keras.Model` of one of the families above, with
            named inputs.
        candidates: dict. Item feature name -> array `(num_candidates,
            ...)`: the features of each candidate item, named as the model's
            item inputs (e.g. `{"item_id": np.arange(num_items)}`, every
            code of the catalog). Column j of the new output scores
            candidate j; candidates whose `item_id` is the reserved code 0
            score `-1e9`, so they are never recommended.
        output_name: str. The name of the new output. Defaults to
            `"catalog"`.

    Returns:
        A `keras.Model` with the same inputs and outputs `{"scores": ...,
        output_name: (batch, num_candidates)}`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ncf = keras_recsys.models.build_ncf(num_users=5, num_items=6, embedding_dim=4)
    # Every code 0..5 is a candidate; column 0 (code 0, reserved) scores -1e9.
    model = keras_recsys.models.add_catalog_scores(ncf, {"item_id": np.arange(6)})
    out = model.predict(
        {"user_id": np.array([1, 2]), "item_id": np.array([3, 4])}, verbose=0
    )
    out["catalog"].shape  # (2, 6)
    ```

    References:
        - Krichene and Rendle, 2020. On Sampled Metrics for Item
          Recommendation. KDD. (why rank the full catalog).
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model. Received: model of type "
            f"{type(model).__name__}"
        )
    inputs = model.input
    if not isinstance(inputs, dict):
        raise ValueError(
            "`model` must take a dict of named inputs (as the builders' models "
            f"do). Received inputs {inputs!r}"
        )
    if not isinstance(candidates, dict) or not candidates:
        raise ValueError(
            "`candidates` must be a non-empty dict {item input name: array}. "
            f"Received: candidates={candidates!r}"
        )
    missing = sorted(set(candidates) - set(inputs))
    if missing:
        raise ValueError(
            f"`candidates` names {missing}, which are not inputs of the model "
            f"(its inputs: {sorted(inputs)})"
        )
    if _is_two_tower(model):
        # The retrieval model is rebuilt from its parts (towers and
        # similarity), so each tower is called in one graph.
        user_tower = model.get_layer("user_tower")
        item_tower = model.get_layer("item_tower")
        inputs = _fresh_inputs(inputs)
        queries = user_tower({name: inputs[name] for name in user_tower.input})
        keys = item_tower({name: inputs[name] for name in item_tower.input})
        scores = model.get_layer("in_batch_similarity")([queries, keys])
        items = CatalogCandidates.from_arrays(candidates, name=f"{output_name}_items")
        catalog = InBatchSimilarity(name=f"{output_name}_similarity")(
            [queries, item_tower(items(queries))]
        )
    else:
        # The pair model is called twice as one nested layer (on the inputs
        # and on the grid), so that it saves once.
        inputs = _fresh_inputs(inputs)
        scores = model(inputs)
        queries = {name: x for name, x in inputs.items() if name not in candidates}
        grid = CatalogCandidates.from_arrays(
            candidates, grid=True, name=f"{output_name}_pairs"
        )
        num_candidates = grid.num_candidates
        pair_scores = model(grid(queries))
        catalog = keras.layers.Reshape((num_candidates,), name=output_name)(
            keras.ops.reshape(pair_scores, (-1, num_candidates, 1))
        )
    reserved = [
        int(j) for j in np.flatnonzero(np.asarray(candidates.get("item_id", [])) == 0)
    ]
    if reserved:
        catalog = ReservedIdMask(reserved, name=f"{output_name}_reserved")(catalog)
    return keras.Model(
        inputs, {"scores": scores, output_name: catalog}, name=model.name
    )
