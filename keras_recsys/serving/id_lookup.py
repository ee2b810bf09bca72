import keras
import numpy as np
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool


def _vocabulary_kind(vocabulary):
    arr = np.asarray(vocabulary)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            "`vocabulary` must be a non-empty 1-D list of ids. Received: "
            f"vocabulary of shape {arr.shape}"
        )
    if arr.dtype.kind in "iu":
        # int32 where it fits: JAX holds no int64 unless x64 is enabled.
        fits = arr.min() >= -(2**31) and arr.max() < 2**31
        return "int", arr.astype("int32" if fits else "int64")
    if arr.dtype.kind in "UO" and all(isinstance(v, str) for v in arr.tolist()):
        return "string", arr.astype(str)
    raise TypeError(
        "`vocabulary` must hold only ints or only strings. Received: "
        f"vocabulary of dtype {arr.dtype}"
    )


@keras_recsys_export("keras_recsys.serving.IdLookup")
class IdLookup(keras.layers.Layer):
    """Maps raw ids to the codes of `keras_recsys.data.IdEncoder`, or back.

    `vocabulary[i]` has code `i + 1`; an id not in the vocabulary gets the
    reserved code 0, as `IdEncoder.transform` gives it. With `invert=True`
    the layer maps codes back to raw ids, and code 0 (or any code outside
    `1..len(vocabulary)`, such as the empty slots of a short top-k list) to
    `missing_id`. The vocabulary is part of the layer's config, so a model
    holding the layer saves it (`.keras`) and needs no encoder beside it.
    Make one from a fitted encoder with `IdEncoder.lookup_layer()`.

    Integer ids are looked up with `keras.ops` (a binary search in the sorted
    vocabulary), so they work inside models on every backend. String ids
    exist as tensors on TensorFlow only: there the layer takes and returns
    `tf.string` tensors (in `tf.function` and in an exported SavedModel);
    on every backend it also takes and returns numpy arrays of strings.

    Args:
        vocabulary: list of int or list of str. The raw ids; `vocabulary[i]`
            has code `i + 1` (`IdEncoder.vocabulary`).
        invert: bool. Map codes to raw ids instead. Defaults to `False`.
        missing_id: int or str. The raw id returned for codes with no id
            (`invert=True` only). Defaults to `None`: `-1` for integer ids,
            `""` for string ids.
        **kwargs: base layer arguments (`name`, ...).

    Call arguments:
        inputs: raw ids (`invert=False`) or int codes (`invert=True`), of
            any shape.

    Returns:
        int32 codes of the input's shape, or raw ids of the codes' shape.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    lookup = keras_recsys.serving.IdLookup(["sku-1", "sku-2", "sku-9"])
    lookup(np.array(["sku-9", "sku-1", "new"]))  # [3, 1, 0]
    inverse = keras_recsys.serving.IdLookup(["sku-1", "sku-2", "sku-9"], invert=True)
    inverse(np.array([3, 0]))  # ["sku-9", ""]
    ```
    """

    def __init__(self, vocabulary, invert=False, missing_id=None, **kwargs):
        kind, values = _vocabulary_kind(vocabulary)
        # numpy, not a Python list and set (~70 MB for a million int ids).
        if np.unique(values).size != len(values):
            raise ValueError("`vocabulary` must not hold the same id twice.")
        invert = check_bool("invert", invert)
        if missing_id is None:
            missing_id = -1 if kind == "int" else ""
        if (kind == "int") != isinstance(missing_id, (int, np.integer)):
            raise TypeError(
                f"`missing_id` must be of the vocabulary's kind ({kind}). "
                f"Received: missing_id={missing_id!r}"
            )
        if np.any(values == missing_id):
            raise ValueError(
                f"`missing_id` must not be in the vocabulary. Received: "
                f"missing_id={missing_id!r}"
            )
        super().__init__(**kwargs)
        self.vocabulary = values.tolist()
        self.invert = invert
        self.missing_id = (
            missing_id.item() if hasattr(missing_id, "item") else missing_id
        )
        self.kind = kind
        self._values = values
        # Binary search over the sorted ids; `_order` maps back to codes.
        self._order = np.argsort(values, kind="stable")
        self._sorted = values[self._order]
        self._tf_tables = None
        self.built = True

    @property
    def vocabulary_size(self):
        """Number of codes including the reserved code 0 (`n + 1`)."""
        return len(self.vocabulary) + 1

    def __call__(self, inputs, **kwargs):
        # Numpy strings cannot become JAX or PyTorch tensors: look them up in
        # numpy, before Layer.__call__ converts its inputs.
        if self.kind == "string" and not backend_utils.is_string_tensor(inputs):
            return self._call_strings(inputs)
        return super().__call__(inputs, **kwargs)

    def call(self, inputs):
        if self.kind == "string":
            return self._call_strings(inputs)
        if self.invert:
            table = ops.convert_to_tensor(
                np.concatenate([[self.missing_id], self._values])
            )
            codes = ops.cast(inputs, "int32")
            valid = ops.logical_and(
                ops.greater(codes, 0), ops.less_equal(codes, len(self.vocabulary))
            )
            return ops.take(table, ops.where(valid, codes, 0))
        sorted_ids = ops.convert_to_tensor(self._sorted)
        order = ops.convert_to_tensor(self._order.astype("int32"))
        ids = ops.cast(inputs, sorted_ids.dtype)
        position = ops.searchsorted(sorted_ids, ops.reshape(ids, (-1,)))
        position = ops.minimum(ops.cast(position, "int32"), len(self.vocabulary) - 1)
        found = ops.equal(ops.take(sorted_ids, position), ops.reshape(ids, (-1,)))
        codes = ops.where(found, ops.take(order, position) + 1, 0)
        return ops.reshape(ops.cast(codes, "int32"), ops.shape(ids))

    def _call_strings(self, inputs):
        if backend_utils.is_string_tensor(inputs):
            return self.tf_lookup(inputs)
        if self.invert:
            codes = np.asarray(backend_utils.to_numpy(inputs)).astype("int64")
            table = np.concatenate([[self.missing_id], self._values])
            valid = (codes > 0) & (codes <= len(self.vocabulary))
            return table[np.where(valid, codes, 0)]
        ids = np.asarray(inputs)
        if ids.dtype.kind == "O":
            ids = ids.astype(str)
        if ids.dtype.kind != "U":
            raise TypeError(
                f"{self.name} looks up string ids; received an array of dtype "
                f"{ids.dtype}"
            )
        flat = ids.reshape(-1)
        position = np.minimum(
            np.searchsorted(self._sorted, flat), len(self.vocabulary) - 1
        )
        found = self._sorted[position] == flat
        codes = np.where(found, self._order[position] + 1, 0).astype("int32")
        return ops.convert_to_tensor(codes.reshape(ids.shape))

    def tf_lookup(self, inputs):
        """The lookup in TensorFlow ops (a hash table), on any backend.

        For string tensors and for exported SavedModels, which run in
        TensorFlow whatever the backend that exported them.
        """
        if self._tf_tables is None:
            self._tf_tables = backend_utils.lookup_tables(self._values)
        return backend_utils.table_lookup(
            self._tf_tables, inputs, self.invert, self.missing_id
        )

    @property
    def tf_resources(self):
        """The TF lookup table to track when exporting (after `tf_lookup`)."""
        return [] if self._tf_tables is None else [self._tf_tables[0]]

    def compute_output_spec(self, inputs):
        if self.invert:
            dtype = "int64" if self.kind == "int" else "string"
        else:
            dtype = "int32"
        return keras.KerasTensor(inputs.shape, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary": list(self.vocabulary),
                "invert": self.invert,
                "missing_id": self.missing_id,
            }
        )
        return config
