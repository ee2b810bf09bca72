import keras
from keras import ops

from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_finite
from keras_recsys.utils.validation import check_numeric
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate
from keras_recsys.utils.validation import check_units

FEATURE_TYPES = ("id", "id_list", "numeric")


def _normalize_spec(name, spec):
    if not isinstance(spec, dict):
        raise TypeError(f"`feature_specs[{name!r}]` must be a dict. Received: {spec!r}")
    kind = spec.get("type")
    if kind not in FEATURE_TYPES:
        raise ValueError(
            f"`feature_specs[{name!r}]['type']` must be one of "
            f"{list(FEATURE_TYPES)}. Received: {kind!r}"
        )
    allowed = {
        "id": {"type", "vocabulary_size", "embedding_dim"},
        "id_list": {"type", "vocabulary_size", "embedding_dim"},
        "numeric": {"type", "dim"},
    }[kind]
    extra = sorted(set(spec) - allowed)
    if extra:
        raise ValueError(
            f"`feature_specs[{name!r}]` of type {kind!r} takes the keys "
            f"{sorted(allowed)}. Received the unknown keys {extra}"
        )
    out = {"type": kind}
    if kind == "numeric":
        out["dim"] = check_positive_int(
            f"feature_specs[{name!r}]['dim']", spec.get("dim", 1)
        )
    else:
        for key in ("vocabulary_size", "embedding_dim"):
            if key not in spec:
                raise ValueError(
                    f"`feature_specs[{name!r}]` of type {kind!r} needs {key!r}. "
                    f"Received: {spec!r}"
                )
            out[key] = check_positive_int(
                f"feature_specs[{name!r}][{key!r}]", spec[key]
            )
    return out


@keras_recsys_export("keras_recsys.layers.EmbeddingTower")
class EmbeddingTower(keras.layers.Layer):
    """A tower that embeds named features and maps them to one embedding.

    Each input feature is described by a spec:

    - `{"type": "id", "vocabulary_size": n, "embedding_dim": d}`: one integer
      id per example, shape `(batch,)` or `(batch, 1)`, valid ids `0..n-1`.
    - `{"type": "id_list", "vocabulary_size": n, "embedding_dim": d}`: a
      variable-length list of ids per example (genres, tags), shape
      `(batch, max_len)`, padded with 0. Id 0 is padding (so real ids are
      `1..n-1`); the embeddings of the non-padding ids are averaged, and an
      all-padding row gives a zero vector.
    - `{"type": "numeric", "dim": k}`: `k` floats per example, shape
      `(batch, k)` (or `(batch,)` when `k == 1`), used as they are.

    The embedded features are concatenated in sorted name order and passed
    through `Dense` layers of the given `hidden_units`: all but the last use
    `activation`, then optional normalization and dropout; the last is linear
    and is the output embedding. With `l2_normalize=True` the output has unit
    L2 norm (for cosine-similarity retrieval).

    Ids are embedded with `keras_recsys.layers.IdEmbedding`: an id out of
    range raises a `ValueError` naming the feature in eager calls (TensorFlow
    and JAX when called directly or with `run_eagerly=True`, PyTorch always)
    and reads a reserved out-of-vocabulary row inside compiled graphs
    (`tf.function`, `jax.jit`: the default `fit`/`predict` on TensorFlow and
    JAX). It never reads another id's row: float, bool or string ids are a
    `TypeError` naming the feature (also when tracing), and int64 ids of
    2**32 and above are out of range, not wrapped. Concrete numeric features
    holding NaN or infinity are a `ValueError` naming the feature.

    Args:
        feature_specs: dict. Feature name -> spec dict as above.
        hidden_units: sequence of int. Widths of the `Dense` layers; the last is the
            output size. Empty: the output is the concatenated features.
            Defaults to `(64, 32)`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        dropout: float in `[0, 1)`. Dropout rate after each hidden layer.
            Defaults to `0.0`.
        normalization: `None`, `"batch"` or `"layer"`. Normalization after
            each hidden layer's activation. Defaults to `None`.
        l2_normalize: bool. Whether to L2-normalize the output. Defaults to
            `False`.
        embeddings_initializer: initializer of the id tables. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the id tables.
        kernel_initializer: initializer of the `Dense` kernels. Defaults to
            `"glorot_uniform"`.
        kernel_regularizer: optional regularizer of the `Dense` kernels.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: dict with exactly the keys of `feature_specs`.
        training: bool. Whether dropout and batch normalization train.

    Returns:
        A float tensor of shape `(batch, hidden_units[-1])`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    tower = keras_recsys.layers.EmbeddingTower(
        {
            "user_id": {"type": "id", "vocabulary_size": 100, "embedding_dim": 8},
            "genres": {"type": "id_list", "vocabulary_size": 19, "embedding_dim": 4},
            "age": {"type": "numeric", "dim": 1},
        },
        hidden_units=(16, 8),
        l2_normalize=True,
    )
    embedding = tower(
        {
            "user_id": np.array([3, 7]),
            "genres": np.array([[1, 5, 0], [2, 0, 0]]),
            "age": np.array([[0.3], [0.7]], dtype="float32"),
        }
    )  # shape (2, 8)
    ```

    References:
        - Covington et al., "Deep Neural Networks for YouTube
          Recommendations", RecSys 2016.
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019.
    """

    def __init__(
        self,
        feature_specs,
        hidden_units=(64, 32),
        activation="relu",
        dropout=0.0,
        normalization=None,
        l2_normalize=False,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        if not isinstance(feature_specs, dict) or not feature_specs:
            raise ValueError(
                "`feature_specs` must be a non-empty dict of feature name -> "
                f"spec. Received: feature_specs={feature_specs!r}"
            )
        specs = {}
        for name in sorted(feature_specs):
            if not isinstance(name, str):
                raise TypeError(
                    f"`feature_specs` keys must be strings. Received: {name!r}"
                )
            specs[name] = _normalize_spec(name, feature_specs[name])
        hidden_units = check_units("hidden_units", hidden_units)
        dropout = check_rate("dropout", dropout)
        if normalization is not None:
            check_one_of("normalization", normalization, ("batch", "layer"))
        l2_normalize = check_bool("l2_normalize", l2_normalize)
        super().__init__(**kwargs)
        self.feature_specs = specs
        self.hidden_units = hidden_units
        self.activation = keras.activations.get(activation)
        self.dropout = dropout
        self.normalization = normalization
        self.l2_normalize = l2_normalize
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.embeddings_regularizer = keras.regularizers.get(embeddings_regularizer)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

        self.embeddings = {}
        for name, spec in specs.items():
            if spec["type"] == "numeric":
                continue
            self.embeddings[name] = IdEmbedding(
                spec["vocabulary_size"],
                spec["embedding_dim"],
                mask_zero=spec["type"] == "id_list",
                embeddings_initializer=self.embeddings_initializer,
                embeddings_regularizer=self.embeddings_regularizer,
                dtype=self.dtype_policy,
                name=f"{name}_embedding",
            )
        self.dense_layers = []
        self.norm_layers = []
        self.dropout_layers = []
        for i, width in enumerate(hidden_units):
            last = i == len(hidden_units) - 1
            self.dense_layers.append(
                keras.layers.Dense(
                    width,
                    activation=None if last else self.activation,
                    kernel_initializer=self.kernel_initializer,
                    kernel_regularizer=self.kernel_regularizer,
                    dtype=self.dtype_policy,
                    name=f"dense_{i}",
                )
            )
            if last:
                continue
            if normalization == "batch":
                self.norm_layers.append(
                    keras.layers.BatchNormalization(
                        dtype=self.dtype_policy, name=f"batch_norm_{i}"
                    )
                )
            elif normalization == "layer":
                self.norm_layers.append(
                    keras.layers.LayerNormalization(
                        dtype=self.dtype_policy, name=f"layer_norm_{i}"
                    )
                )
            if dropout > 0:
                self.dropout_layers.append(
                    keras.layers.Dropout(
                        dropout, dtype=self.dtype_policy, name=f"dropout_{i}"
                    )
                )

    @property
    def input_dim(self):
        """Width of the concatenated features entering the first `Dense`."""
        total = 0
        for spec in self.feature_specs.values():
            total += spec["dim"] if spec["type"] == "numeric" else spec["embedding_dim"]
        return total

    def _check_names(self, inputs):
        if not isinstance(inputs, dict):
            raise TypeError(
                f"{self.name} takes a dict of features "
                f"{sorted(self.feature_specs)}. Received: {type(inputs).__name__}"
            )
        missing = sorted(set(self.feature_specs) - set(inputs))
        extra = sorted(set(inputs) - set(self.feature_specs))
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing features {missing}")
            if extra:
                parts.append(f"unexpected features {extra}")
            raise ValueError(
                f"The inputs of {self.name} do not match its `feature_specs`: "
                f"{'; '.join(parts)}. Expected exactly {sorted(self.feature_specs)}"
            )

    def _check_shape(self, name, shape):
        spec = self.feature_specs[name]
        rank = len(shape)
        if spec["type"] == "id":
            ok = rank == 1 or (rank == 2 and shape[1] in (1, None))
            expected = "(batch,) or (batch, 1)"
        elif spec["type"] == "id_list":
            ok = rank == 2
            expected = "(batch, max_len)"
        else:
            dim = spec["dim"]
            ok = (rank == 2 and shape[1] in (dim, None)) or (rank == 1 and dim == 1)
            expected = f"(batch, {dim})"
        if not ok:
            raise ValueError(
                f"Feature {name!r} of {self.name} ({spec['type']}) must have "
                f"shape {expected}. Received shape {tuple(shape)}"
            )

    def build(self, input_shape):
        self._check_names(input_shape)
        for name in self.feature_specs:
            self._check_shape(name, input_shape[name])
        for layer in self.embeddings.values():
            layer.build()
        width = self.input_dim
        norms = iter(self.norm_layers)
        for i, dense in enumerate(self.dense_layers):
            dense.build((None, width))
            width = dense.units
            if i < len(self.dense_layers) - 1 and self.normalization:
                next(norms).build((None, width))
        self.built = True

    def _embed(self, name, x):
        spec = self.feature_specs[name]
        if spec["type"] == "numeric":
            x = ops.cast(x, self.compute_dtype)
            if len(x.shape) == 1:
                x = ops.expand_dims(x, -1)
            return x
        layer = self.embeddings[name]
        if spec["type"] == "id":
            if len(x.shape) == 2:
                x = ops.squeeze(x, axis=-1)
            return layer(x)
        vectors = layer(x)
        mask = ops.cast(ops.not_equal(x, 0), vectors.dtype)
        total = ops.sum(vectors * ops.expand_dims(mask, -1), axis=1)
        count = ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1.0)
        return total / count

    def __call__(self, inputs, *args, **kwargs):
        # Before Keras converts them: JAX without x64 would wrap int64 ids.
        self._check_values(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _check_values(self, inputs):
        """Id features: integer dtype (and range when concrete); numeric: finite."""
        self._check_names(inputs)
        for name, spec in self.feature_specs.items():
            values, arg = inputs[name], f"inputs[{name!r}]"
            if spec["type"] != "numeric":
                self.embeddings[name].check_ids(values, name=arg)
            elif is_concrete(values):
                check_finite(arg, to_numpy(values))
            else:
                check_numeric(arg, values)

    def call(self, inputs, training=None):
        self._check_values(inputs)
        parts = [self._embed(name, inputs[name]) for name in self.feature_specs]
        x = parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)
        norms = iter(self.norm_layers)
        dropouts = iter(self.dropout_layers)
        for i, dense in enumerate(self.dense_layers):
            x = dense(x)
            if i == len(self.dense_layers) - 1:
                break
            if self.normalization:
                x = next(norms)(x, training=training)
            if self.dropout > 0:
                x = next(dropouts)(x, training=training)
        if self.l2_normalize:
            x = ops.cast(x, "float32")
            x = x / ops.sqrt(
                ops.maximum(ops.sum(ops.square(x), axis=-1, keepdims=True), 1e-12)
            )
        return ops.cast(x, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        self._check_names(input_shape)
        batch = next(iter(input_shape.values()))[0]
        width = self.hidden_units[-1] if self.hidden_units else self.input_dim
        return (batch, width)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "feature_specs": {k: dict(v) for k, v in self.feature_specs.items()},
                "hidden_units": list(self.hidden_units),
                "activation": keras.activations.serialize(self.activation),
                "dropout": self.dropout,
                "normalization": self.normalization,
                "l2_normalize": self.l2_normalize,
                "embeddings_initializer": keras.initializers.serialize(
                    self.embeddings_initializer
                ),
                "embeddings_regularizer": keras.regularizers.serialize(
                    self.embeddings_regularizer
                ),
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "kernel_regularizer": keras.regularizers.serialize(
                    self.kernel_regularizer
                ),
            }
        )
        return config
