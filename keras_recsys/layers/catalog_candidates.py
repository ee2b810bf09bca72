import keras
import numpy as np
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_positive_int


def _check_features(features):
    if not isinstance(features, dict) or not features:
        raise ValueError(
            "`features` must be a non-empty dict {name: (shape, dtype)}. "
            f"Received: features={features!r}"
        )
    specs = {}
    for name, (shape, dtype) in features.items():
        shape = tuple(int(d) for d in shape)
        if not shape or shape[0] < 1:
            raise ValueError(
                f"`features[{name!r}]` must have a shape (num_candidates, ...). "
                f"Received: shape={shape}"
            )
        specs[name] = (shape, keras.backend.standardize_dtype(dtype))
    sizes = {shape[0] for shape, _ in specs.values()}
    if len(sizes) != 1:
        raise ValueError(
            "All candidate features must have the same number of rows. "
            f"Received shapes { ({n: s for n, (s, _) in specs.items()}) }"
        )
    return specs


@keras_recsys_export("keras_recsys.layers.CatalogCandidates")
class CatalogCandidates(keras.layers.Layer):
    """Holds the catalog's candidate features and feeds them to a model.

    The features of every candidate item (for instance `{"item_id":
    arange(n)}`, with genres or other columns) live in the layer as
    non-trainable weights, saved with the model. Called on a batch of
    queries it returns them, so the item tower that follows recomputes the
    candidate embeddings from its current weights at every step (the
    approach of TensorFlow Recommenders' `FactorizedTopK`): scores over the
    whole catalog are then `(batch, n)`, never users x items.

    With `grid=True` it pairs every query with every candidate instead, for
    models that score (user, item) pairs (NCF, DeepFM): each query feature
    is repeated `n` times and each candidate feature tiled `batch` times,
    `(batch * n, ...)`; reshape the pair scores to `(batch, n)`.
    `keras_recsys.models.add_catalog_scores` wires either layout.

    Args:
        features: dict. Feature name -> `(shape, dtype)` of the candidate
            arrays, shape `(num_candidates, ...)`. Use `from_arrays` to build
            the layer from the arrays themselves.
        grid: bool. Pair each query with each candidate. Defaults to
            `False`.
        **kwargs: base layer arguments (`name`, ...).

    Call inputs:
        A tensor or a dict of tensors with the batch of queries (with
        `grid=False` only their presence matters).

    Returns:
        `grid=False`: dict name -> `(num_candidates, ...)` candidate
        features. `grid=True`: dict of the query features (repeated) and the
        candidate features (tiled), each `(batch * num_candidates, ...)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.CatalogCandidates.from_arrays(
        {"item_id": np.arange(3)}, grid=True
    )
    out = layer({"user_id": np.array([7, 8])})
    # out["user_id"]: [7, 7, 7, 8, 8, 8]; out["item_id"]: [0, 1, 2, 0, 1, 2]
    ```

    References:
        - Yi et al., 2019. Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations. RecSys. (full-corpus recall of a
          two-tower model).
    """

    def __init__(self, features, grid=False, **kwargs):
        super().__init__(**kwargs)
        self._specs = _check_features(features)
        grid = check_bool("grid", grid)
        self.features = {n: (list(s), d) for n, (s, d) in self._specs.items()}
        self.grid = grid
        self.num_candidates = check_positive_int(
            "num_candidates", next(iter(self._specs.values()))[0][0]
        )

    @classmethod
    def from_arrays(cls, candidates, grid=False, **kwargs):
        """Builds the layer holding `candidates` (dict name -> array)."""
        arrays = {}
        for name, value in candidates.items():
            array = np.asarray(value)
            # 64-bit values are stored in 32 bits, which every backend keeps.
            if array.dtype.kind in "iu":
                array = array.astype("int32")
            elif array.dtype == np.float64:
                array = array.astype("float32")
            arrays[name] = array
        layer = cls(
            {name: (a.shape, str(a.dtype)) for name, a in arrays.items()},
            grid=grid,
            **kwargs,
        )
        layer.build(None)
        for name, array in arrays.items():
            layer.values[name].assign(array.astype(layer._specs[name][1]))
        return layer

    def build(self, input_shape):
        self.values = {
            name: self.add_weight(
                name=name,
                shape=shape,
                dtype=dtype,
                initializer="zeros",
                trainable=False,
            )
            for name, (shape, dtype) in self._specs.items()
        }
        self.built = True

    def call(self, inputs):
        values = {name: ops.convert_to_tensor(v) for name, v in self.values.items()}
        if not self.grid:
            return values
        queries = inputs if isinstance(inputs, dict) else {"query": inputs}
        first = next(iter(queries.values()))
        batch = ops.shape(first)[0]
        n = self.num_candidates
        out = {name: ops.repeat(q, n, axis=0) for name, q in queries.items()}
        for name, v in values.items():
            tiled = ops.broadcast_to(ops.expand_dims(v, 0), (batch,) + tuple(v.shape))
            out[name] = ops.reshape(tiled, (-1,) + tuple(v.shape[1:]))
        return out

    def compute_output_spec(self, inputs):
        if not self.grid:
            return {
                name: keras.KerasTensor(shape, dtype=dtype)
                for name, (shape, dtype) in self._specs.items()
            }
        queries = inputs if isinstance(inputs, dict) else {"query": inputs}
        out = {
            name: keras.KerasTensor((None,) + tuple(q.shape[1:]), dtype=q.dtype)
            for name, q in queries.items()
        }
        for name, (shape, dtype) in self._specs.items():
            out[name] = keras.KerasTensor((None,) + shape[1:], dtype=dtype)
        return out

    def get_config(self):
        config = super().get_config()
        config.update({"features": self.features, "grid": self.grid})
        return config
