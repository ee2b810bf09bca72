import re
import warnings

import keras

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_int

# Attributes that hold a table with one row per id, and their rank:
# IdEmbedding, TiedItemEmbedding and keras.layers.Embedding keep theirs in
# `embeddings`; TopKRetrieval its candidates and their ids.
_ROW_TABLES = (("embeddings", 2), ("candidates", 2), ("candidate_ids", 1))


def _tables(model):
    """Yields (layer, variable) for each table of `model` indexed by id."""
    for layer in model._flatten_layers(include_self=True, recursive=True):
        for attr, rank in _ROW_TABLES:
            table = getattr(layer, attr, None)
            if isinstance(table, keras.Variable) and len(table.shape) == rank:
                yield layer, table


def _template(model):
    if isinstance(model, keras.layers.Layer):
        if not model.built:
            raise ValueError(
                "`model` must be built (its tables must exist) to read its "
                f"table names and sizes. Received an unbuilt {model.name!r}"
            )
        return model
    if callable(model):
        return backend_utils.build_without_values(model)
    raise TypeError(
        "`model` must be a built keras.Model (or layer) or a function with no "
        f"arguments that builds one. Received: model={model!r}"
    )


@keras_recsys_export("keras_recsys.distribution.get_layout_map")
def get_layout_map(model, device_mesh, model_axis="model", min_rows=1024):
    """Returns a `keras.distribution.LayoutMap` that row-shards large tables.

    Every 2-D embedding table of `model` (the `embeddings` of
    `keras_recsys.layers.IdEmbedding`, `keras_recsys.layers.TiedItemEmbedding`,
    the tables inside `keras_recsys.layers.EmbeddingTower` and
    `keras.layers.Embedding`), and the candidate table of a
    `keras_recsys.layers.TopKRetrieval` (with its ids), with at least
    `min_rows` rows is laid out `(model_axis, None)`: each device along `model_axis` holds a contiguous
    block of `rows / mesh.shape[model_axis]` rows, and the embedding
    dimension is not split. Everything else (dense kernels, attention, small
    tables) is replicated, which is what `keras.distribution.ModelParallel`
    does with variables the map does not name. The keys are the tables'
    variable paths (anchored regexes), so the map applies to the same model
    built again inside the distribution's scope (the builders name their
    tables, so the paths do not change from one build to the next).

    A table whose row count does not divide by the size of `model_axis`
    cannot be split evenly (JAX refuses uneven shards): it stays replicated
    and a warning names it and the nearest row count that would shard.
    The builders' tables have `num_items + 2` rows (padding id 0, ids
    `1..num_items`, and the out-of-vocabulary row), so choose `num_items`
    accordingly.

    Args:
        model: a built `keras.Model` (or layer) whose tables to shard, or a
            function with no arguments that builds one. A function is called
            without allocating the tables' values (inside a
            `keras.StatelessScope`), which is the way for tables too large
            to build twice.
        device_mesh: `keras.distribution.DeviceMesh` with an axis named
            `model_axis`.
        model_axis: str. The mesh axis the rows are split over. Defaults to
            `"model"`.
        min_rows: int >= 1. Tables with fewer rows stay replicated.
            Defaults to `1024`.

    Returns:
        A `keras.distribution.LayoutMap` to pass to
        `keras.distribution.ModelParallel(layout_map=..., batch_dim_name=...)`.

    Example:

    ```python
    import keras
    import keras_recsys

    mesh = keras.distribution.DeviceMesh(
        shape=(1, 1), axis_names=("data", "model"),
        devices=["cpu:0"],
    )
    layout_map = keras_recsys.distribution.get_layout_map(
        lambda: keras_recsys.models.build_sasrec(num_items=2047, max_len=8),
        mesh,
    )
    layout_map["item_embedding/embeddings"].axes  # ('model', None)
    ```

    References:
        - The `get_layout_map` of keras-hub's backbones, and the Keras
          distribution guide (`keras.distribution.ModelParallel`).
    """
    if not isinstance(device_mesh, keras.distribution.DeviceMesh):
        raise TypeError(
            "`device_mesh` must be a keras.distribution.DeviceMesh. "
            f"Received: device_mesh={device_mesh!r}"
        )
    if model_axis not in device_mesh.axis_names:
        raise ValueError(
            f"`model_axis` must name an axis of the mesh {device_mesh.axis_names}. "
            f"Received: model_axis={model_axis!r}"
        )
    min_rows = check_int("min_rows", min_rows, min_value=1)
    parts = device_mesh.shape[device_mesh.axis_names.index(model_axis)]
    layout_map = keras.distribution.LayoutMap(device_mesh)
    for layer, table in _tables(_template(model)):
        rows = table.shape[0]
        if rows < min_rows:
            continue
        if rows % parts:
            warnings.warn(
                f"Table {table.path!r} of {layer.name!r} has {rows} rows, which "
                f"do not split over {parts} devices of axis {model_axis!r}; it "
                f"stays replicated ({rows + (-rows) % parts} rows would shard)."
            )
            continue
        axes = (model_axis,) + (None,) * (len(table.shape) - 1)
        layout_map[f"^{re.escape(table.path)}$"] = axes
    return layout_map
