import json
import os

import numpy as np
import pandas as pd

from keras_recsys.utils.validation import check_one_of

# The kinds of ids `pandas.api.types.infer_dtype` reports, grouped: ids of one
# group compare exactly (1 and 1.0 are one id), ids of two groups never do.
_KINDS = {
    "integer": "numeric",
    "floating": "numeric",
    "mixed-integer-float": "numeric",
    "decimal": "numeric",
    "boolean": "boolean",
    "datetime": "datetime",
    "datetime64": "datetime",
}


def _object_array(values, name):
    try:
        items = list(values)
    except TypeError:
        raise TypeError(
            f"`{name}` must be a 1-D list, array or pandas Series of ids. "
            f"Received: {values!r}"
        ) from None
    if any(isinstance(v, (list, tuple, np.ndarray)) for v in items):
        raise ValueError(
            f"`{name}` must be 1-D: one scalar id per entry. Received: {name}="
            f"{items[:5]!r}"
        )
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    return arr


class IdEncoder:
    """Maps raw ids to contiguous integers `1..n`, with 0 for padding/unknown.

    `fit` learns the vocabulary (the distinct raw ids, sorted, so the mapping
    does not depend on row order); `transform` maps known ids to `1..n` and
    unknown ids to 0 (or raises, with `unknown="error"`); `inverse_transform`
    maps codes back. The vocabulary saves to and loads from JSON. Use
    `vocabulary_size` (n + 1) as the `input_dim` of an embedding table whose
    row 0 is padding.

    Ids are compared exactly: 1 and 1.0 are one id, but 1 and "1" are two,
    so ids of mixed types (numbers and strings, booleans and numbers) are
    refused with a TypeError, and `transform` refuses ids of another type
    than the vocabulary's (strings read from a CSV against integer ids).

    Args:
        unknown: str. What `transform` does with ids not in the vocabulary:
            `"zero"` maps them to 0, `"error"` raises a ValueError.
            Defaults to `"zero"`.

    Example:

    ```python
    import keras_recsys

    encoder = keras_recsys.data.IdEncoder()
    codes = encoder.fit_transform(["b", "a", "c", "a"])  # [2, 1, 3, 1]
    encoder.transform(["c", "zzz"])  # [3, 0]
    encoder.inverse_transform([1, 3])  # ["a", "c"]
    encoder.vocabulary_size  # 4
    ```
    """

    def __init__(self, unknown: str = "zero"):
        self.unknown = check_one_of("unknown", unknown, ("zero", "error"))
        self.vocabulary = None
        self._index = None
        self._kind = None

    @staticmethod
    def _values(values, name):
        """`values` as a 1-D array and the kind of its ids (see `_KINDS`)."""
        if isinstance(values, (pd.Series, pd.Index)):
            values = values.to_numpy()
        # A list goes through an object array first: `np.asarray([1, "a"])`
        # would turn every id into a string and hide the mix.
        raw = values if isinstance(values, np.ndarray) else _object_array(values, name)
        if raw.ndim != 1:
            raise ValueError(f"`{name}` must be 1-D. Received shape {raw.shape}.")
        if pd.isna(raw).any():
            raise ValueError(f"`{name}` holds missing (NaN/None) ids.")
        inferred = pd.api.types.infer_dtype(raw, skipna=False)
        if inferred in ("mixed", "mixed-integer"):
            types = sorted({type(v).__name__ for v in raw})
            raise TypeError(
                f"`{name}` mixes ids of different types ({', '.join(types)}); "
                "an id and its string form are different ids. Convert them to "
                f"one type first. Received: {name}={raw[:5].tolist()!r}"
            )
        if inferred == "mixed-integer-float" or isinstance(values, np.ndarray):
            # Ints and floats together stay exact Python numbers.
            arr = raw
        else:
            arr = np.asarray(values)
        return arr, _KINDS.get(inferred, inferred)

    def fit(self, values) -> "IdEncoder":
        """Learns the vocabulary: the distinct values of `values`, sorted."""
        arr, kind = self._values(values, "values")
        if arr.size == 0:
            raise ValueError("`values` is empty: nothing to fit.")
        uniques = pd.unique(arr)
        try:
            uniques = np.sort(uniques)
        except TypeError:
            # Python numbers of several types (int and float) in an object array.
            uniques = np.asarray(sorted(uniques), dtype=object)
        self._set_vocabulary(uniques)
        return self

    def _set_vocabulary(self, vocabulary):
        self.vocabulary, self._kind = self._values(vocabulary, "vocabulary")
        self._index = pd.Index(self.vocabulary)

    def _check_fitted(self):
        if self.vocabulary is None:
            raise ValueError("This IdEncoder is not fitted yet; call `fit` first.")

    @property
    def vocabulary_size(self) -> int:
        """Number of codes including the padding/unknown code 0 (n + 1)."""
        self._check_fitted()
        return int(self.vocabulary.shape[0]) + 1

    def transform(self, values) -> np.ndarray:
        """Maps ids to int64 codes: known ids to `1..n`, unknown ids to 0."""
        self._check_fitted()
        arr, kind = self._values(values, "values")
        if arr.size and kind != self._kind:
            raise TypeError(
                f"`values` holds {kind} ids but the vocabulary holds {self._kind} "
                f"ids (for instance {self.vocabulary[:1].tolist()[0]!r}); an id of another "
                f"type is never in it. Received: values={arr[:5].tolist()!r}"
            )
        codes = self._index.get_indexer(arr).astype("int64") + 1
        if self.unknown == "error" and np.any(codes == 0):
            bad = arr[codes == 0][0]
            raise ValueError(
                f"Id {bad!r} is not in the vocabulary ({codes.tolist().count(0)} "
                "unknown id(s)); use unknown='zero' to map them to 0."
            )
        return codes

    def fit_transform(self, values) -> np.ndarray:
        """`fit` then `transform` on the same values."""
        return self.fit(values).transform(values)

    def inverse_transform(self, codes) -> np.ndarray:
        """Maps codes `1..n` back to raw ids; code 0 raises (it has no id)."""
        self._check_fitted()
        arr = np.asarray(codes)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"`codes` must be integers. Received dtype {arr.dtype}.")
        n = self.vocabulary.shape[0]
        if arr.size and (arr.min() < 1 or arr.max() > n):
            bad = arr[(arr < 1) | (arr > n)].reshape(-1)[0]
            raise ValueError(
                f"`codes` holds {int(bad)}, outside the known codes 1..{n} "
                "(0 is padding/unknown and has no raw id)."
            )
        return self.vocabulary[arr - 1]

    def lookup_layer(self, invert: bool = False, **kwargs):
        """The matching Keras layer: raw ids to codes, or codes to raw ids.

        Returns a `keras_recsys.serving.IdLookup` holding this vocabulary:
        known ids map to the codes `transform` gives (`1..n`), unknown ids to
        0; with `invert=True` codes map back to raw ids (0 to the layer's
        `missing_id`). The layer saves the vocabulary with the model.

        Args:
            invert: bool. Codes to raw ids instead. Defaults to `False`.
            **kwargs: other `IdLookup` arguments (`missing_id`, `name`).

        Example:

        ```python
        import keras_recsys

        encoder = keras_recsys.data.IdEncoder().fit(["sku-2", "sku-1"])
        lookup = encoder.lookup_layer()
        lookup(["sku-1", "sku-3"])  # [1, 0]
        encoder.lookup_layer(invert=True)([2])  # ["sku-2"]
        ```
        """
        self._check_fitted()
        # Imported here: `data` does not import the rest of the package.
        from keras_recsys.serving.id_lookup import IdLookup

        return IdLookup(self.vocabulary.tolist(), invert=invert, **kwargs)

    def get_config(self) -> dict:
        self._check_fitted()
        vocab = self.vocabulary.tolist()
        return {"unknown": self.unknown, "vocabulary": vocab}

    def save(self, path) -> None:
        """Writes the vocabulary to a JSON file at `path`."""
        config = self.get_config()
        try:
            text = json.dumps(config)
        except TypeError:
            raise ValueError(
                "The vocabulary holds values JSON cannot store; use int or str ids."
            ) from None
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(text)

    @classmethod
    def load(cls, path) -> "IdEncoder":
        """Reads an encoder written by `save`."""
        with open(os.fspath(path), encoding="utf-8") as f:
            config = json.load(f)
        encoder = cls(unknown=config["unknown"])
        encoder._set_vocabulary(config["vocabulary"])
        return encoder

    def __repr__(self):
        size = None if self.vocabulary is None else self.vocabulary.shape[0]
        return f"IdEncoder(num_ids={size}, unknown={self.unknown!r})"
