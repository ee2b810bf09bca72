import numpy as np

from keras_recsys.explain import _common
from keras_recsys.explain.explanation import Explanation
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


def item_vectors(model, item_feature="item_id"):
    """The learned item vectors of a model, one row per model id.

    Sequence models: the `item_embedding` table (row = item id). Feature
    models: the table of the feature `item_feature`. Autoencoders: the
    columns of the last kernel whose width is the row's (the decoder's
    output layer; column = item).
    """
    kind = _common.model_kind(model)
    if kind == "sequence":
        layer = _common.sequence_embedding_layer(model)
        return _common.to_numpy(layer.embeddings)[: layer.input_dim]
    if kind == "features":
        tables = _common.feature_embedding_layers(model).get(item_feature, [])
        tables = [t for t in tables if t.output_dim > 1]  # not biases
        if not tables:
            raise ValueError(
                f"Found no embedding table of the feature {item_feature!r}; pass "
                "`item_feature`, the name of the item id feature."
            )
        return _common.to_numpy(tables[0].embeddings)[: tables[0].input_dim]
    width = model.outputs[0].shape[-1]
    kernels = [w for w in model.weights if len(w.shape) == 2 and w.shape[-1] == width]
    if not kernels:
        raise ValueError("Found no output kernel of the autoencoder's items.")
    return _common.to_numpy(kernels[-1]).T


@keras_recsys_export("keras_recsys.explain.similar_items")
def similar_items(
    model,
    item,
    among=None,
    k=5,
    item_feature="item_id",
    item_encoder=None,
    item_titles=None,
):
    """Finds the items closest to `item` in the model's learned item space.

    "Similar to A, which you liked": with `among` set to the user's history,
    the result names the history items nearest to the recommended one by
    cosine similarity of the learned item vectors: the `item_embedding`
    table of a sequence model, the table of the `item_feature` of a feature
    model, the columns of the decoder's output kernel of an autoencoder. This shows a relation the
    model has learned, not why this user's score is high: use
    `keras_recsys.explain.explain_history` for that.

    Args:
        model: a `keras.Model` from a keras_recsys builder.
        item: int. The model id of the item.
        among: optional model ids to search (the user's history); all items
            but `item` (and the padding id 0 of sequence models) otherwise.
        k: int. How many neighbours. Defaults to `5`.
        item_feature: str. The item id feature of a feature model. Defaults
            to `"item_id"`.
        item_encoder: optional `keras_recsys.data.IdEncoder` of the model
            ids, to report raw ids. Defaults to `None`.
        item_titles: optional mapping raw id -> title. Defaults to `None`.

    Returns:
        A `keras_recsys.explain.Explanation` of kind `"neighbours"`
        (method `"cosine"`): the `k` nearest items, nearest first, `values`
        their cosine similarity, `positions` their model ids, `score` 1.0.

    Example:

    ```python
    import keras_recsys

    model = keras_recsys.models.build_sasrec(num_items=20, max_len=6, embedding_dim=8)
    near = keras_recsys.explain.similar_items(model, 11, among=[3, 5, 7, 9], k=2)
    near.sentence()  # 'Recommended 11: similar to ... and ..., which you watched.'
    ```
    """
    k = check_positive_int("k", k)
    vectors = item_vectors(model, item_feature).astype("float64")
    first = 1 if _common.model_kind(model) == "sequence" else 0
    item = _common.check_item(item, len(vectors), first=first)
    if among is None:
        candidates = np.arange(first, len(vectors))
    else:
        candidates = np.unique(np.asarray(among, dtype="int64").ravel())
        for c in candidates:
            _common.check_item(int(c), len(vectors), first=first)
    candidates = candidates[candidates != item]
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    similarity = vectors[candidates] @ vectors[item] / (norms[candidates] * norms[item])
    order = np.argsort(-similarity, kind="stable")[:k]
    names = _common.ItemNames(item_encoder, item_titles)
    raw = names.raw(candidates[order])
    (raw_item,) = names.raw([item])
    return Explanation(
        item=raw_item,
        item_title=names.title(raw_item),
        score=1.0,
        method="cosine",
        kind="neighbours",
        ids=raw,
        titles=[names.title(r) for r in raw],
        values=similarity[order],
        positions=candidates[order],
    )
