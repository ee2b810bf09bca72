import keras
import numpy as np
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_finite
from keras_recsys.utils.validation import check_integer_ids
from keras_recsys.utils.validation import check_numeric
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import fail

_INT32 = np.iinfo("int32")


def _arange_initializer(shape, dtype=None):
    return ops.arange(shape[0], dtype=dtype)


@keras_recsys_export("keras_recsys.layers.TopKRetrieval")
class TopKRetrieval(keras.layers.Layer):
    """A brute-force top-k index over candidate embeddings, in bounded memory.

    The layer holds `num_candidates` candidate embeddings and their integer
    ids as non-trainable weights, so an index saved with a model (`.keras`)
    loads with its candidates. A batch of queries is scored by dot product
    against the candidates `chunk_size` at a time: each chunk's top scores are
    merged into a running top-k (`top_k` over the best so far and the chunk's
    best), so memory is `O(batch * (chunk_size + k))` and a
    `batch x num_candidates` score matrix is never held.

    Ids listed per query in `exclude_ids` (items already seen) are never
    returned. Each chunk keeps its best `k + num_excluded` candidates before
    the excluded ones are dropped, so exclusion never costs a true top-k item.
    When fewer than `k` candidates remain, the missing slots have score
    `-inf` and id `-1`.

    Fill the index with `set_candidates`, or build one in a step with
    `TopKRetrieval.from_candidates` or from a tower model with
    `TopKRetrieval.from_model`.

    Args:
        num_candidates: int. Number of candidates the index holds.
        k: int. Number of results per query (at most `num_candidates`).
            Defaults to `10`.
        chunk_size: int. Candidates scored at a time. Defaults to `65536`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor of query embeddings, shape `(batch, dim)`.
        exclude_ids: optional integer tensor `(batch, num_excluded)` of
            candidate ids not to return for each query; pad with `-1` (any id
            not in the index). Float, bool or string ids are a `TypeError`
            (also when tracing); concrete ids beyond int32 (which no candidate
            has) a `ValueError`; inside a compiled graph they exclude nothing
            (never wrapped to another id). Concrete queries holding NaN or
            infinity are a `ValueError`.

    Returns:
        A tuple `(scores, ids)`, both of shape `(batch, k)`, best first:
        the dot products and the candidate ids (int32).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    items = np.random.rand(1000, 16).astype("float32")
    index = keras_recsys.layers.TopKRetrieval.from_candidates(
        items, ids=np.arange(1000) + 1, k=5, chunk_size=256
    )
    queries = np.random.rand(3, 16).astype("float32")
    scores, ids = index(queries, exclude_ids=np.array([[1, 2], [3, -1], [-1, -1]]))
    ```

    References:
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019 (two-tower retrieval
          served by nearest-neighbour search over item embeddings).
    """

    def __init__(self, num_candidates, k=10, chunk_size=65536, **kwargs):
        num_candidates = check_positive_int("num_candidates", num_candidates)
        k = check_positive_int("k", k)
        if k > num_candidates:
            raise ValueError(
                f"`k` must be <= num_candidates={num_candidates}. Received: k={k}"
            )
        chunk_size = check_positive_int("chunk_size", chunk_size)
        super().__init__(**kwargs)
        self.num_candidates = num_candidates
        self.k = k
        self.chunk_size = chunk_size

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                f"{self.name} takes queries of shape (batch, dim). "
                f"Received shape {tuple(input_shape)}"
            )
        self.embedding_dim = int(input_shape[-1])
        self.candidates = self.add_weight(
            name="candidates",
            shape=(self.num_candidates, self.embedding_dim),
            initializer="zeros",
            trainable=False,
        )
        self.candidate_ids = self.add_weight(
            name="candidate_ids",
            shape=(self.num_candidates,),
            initializer=_arange_initializer,
            dtype="int32",
            trainable=False,
        )
        self.built = True

    def set_candidates(self, embeddings, ids=None):
        """Stores candidate embeddings `(num_candidates, dim)` and their ids.

        `ids` defaults to `0 .. num_candidates - 1`. Builds the layer if
        needed.
        """
        embeddings = np.asarray(backend_utils.to_numpy(embeddings))
        if embeddings.ndim != 2 or embeddings.shape[0] != self.num_candidates:
            raise ValueError(
                f"`embeddings` must have shape (num_candidates={self.num_candidates}, "
                f"dim). Received shape {embeddings.shape}"
            )
        if not np.all(np.isfinite(embeddings)):
            raise ValueError("`embeddings` must be finite. Received NaN or inf")
        if ids is None:
            ids = np.arange(self.num_candidates)
        ids = np.asarray(backend_utils.to_numpy(ids))
        if ids.shape != (self.num_candidates,):
            raise ValueError(
                f"`ids` must have shape ({self.num_candidates},). "
                f"Received shape {ids.shape}"
            )
        check_integer_ids("ids", ids)
        # The ids are stored as int32: a larger id would wrap to another one.
        info = _INT32
        if ids.size and (ids.min() < info.min or ids.max() > info.max):
            bad = ids.max() if ids.max() > info.max else ids.min()
            raise ValueError(
                f"`ids` must fit in int32 ({info.min}..{info.max}); encode "
                f"larger ids (keras_recsys.data.IdEncoder). Received the id {bad}"
            )
        if not self.built:
            self.build((None, embeddings.shape[1]))
        elif embeddings.shape[1] != self.embedding_dim:
            raise ValueError(
                f"`embeddings` must have dim {self.embedding_dim}. "
                f"Received shape {embeddings.shape}"
            )
        self.candidates.assign(embeddings.astype(self.candidates.dtype))
        self.candidate_ids.assign(ids.astype("int32"))

    @classmethod
    def from_candidates(cls, embeddings, ids=None, k=10, chunk_size=65536, **kwargs):
        """Builds an index holding `embeddings` (and `ids`)."""
        embeddings = np.asarray(backend_utils.to_numpy(embeddings))
        if embeddings.ndim != 2:
            raise ValueError(
                "`embeddings` must have shape (num_candidates, dim). "
                f"Received shape {embeddings.shape}"
            )
        layer = cls(embeddings.shape[0], k=k, chunk_size=chunk_size, **kwargs)
        layer.set_candidates(embeddings, ids)
        return layer

    @classmethod
    def from_model(
        cls, model, inputs, ids=None, k=10, chunk_size=65536, batch_size=4096, **kwargs
    ):
        """Builds an index from a candidate tower: `model.predict(inputs)`.

        Args:
            model: a model (for instance the item tower of
                `keras_recsys.models.build_two_tower`) mapping candidate
                features to embeddings `(num_candidates, dim)`.
            inputs: the candidate features the model takes.
            ids: optional candidate ids. Defaults to `0 .. num_candidates - 1`.
            k, chunk_size, **kwargs: as the constructor.
            batch_size: batch size of `model.predict`. Defaults to `4096`.
        """
        embeddings = model.predict(inputs, batch_size=batch_size, verbose=0)
        return cls.from_candidates(
            embeddings, ids, k=k, chunk_size=chunk_size, **kwargs
        )

    def __call__(self, inputs, exclude_ids=None, **kwargs):
        # Before Keras converts them: JAX without x64 would wrap int64 ids.
        self._check_inputs(inputs, exclude_ids)
        return super().__call__(inputs, exclude_ids=exclude_ids, **kwargs)

    def _check_inputs(self, inputs, exclude_ids):
        check_numeric("inputs", inputs)
        shape = tuple(getattr(inputs, "shape", np.shape(inputs)))
        dim = self.embedding_dim if self.built else None
        if len(shape) != 2 or (None not in (dim, shape[1]) and shape[1] != dim):
            fail(
                "inputs",
                f"query embeddings of shape (batch, {dim or 'dim'})",
                inputs,
                shown=f"<shape {shape}>",
            )
        if backend_utils.is_concrete(inputs):
            check_finite("inputs", backend_utils.to_numpy(inputs))
        if exclude_ids is None:
            return
        check_integer_ids("exclude_ids", exclude_ids)
        if backend_utils.is_concrete(exclude_ids):
            values = np.asarray(backend_utils.to_numpy(exclude_ids))
            if values.size and (values.min() < _INT32.min or values.max() > _INT32.max):
                wrong = values.max() if values.max() > _INT32.max else values.min()
                fail(
                    "exclude_ids",
                    f"candidate ids, which are int32 ({_INT32.min}..{_INT32.max})",
                    exclude_ids,
                    shown=f"<array holding {int(wrong)}>",
                    detail="; such an id is never in the index: drop it",
                )

    def call(self, inputs, exclude_ids=None):
        self._check_inputs(inputs, exclude_ids)
        queries = ops.cast(inputs, self.compute_dtype)
        num_excluded = 0
        if exclude_ids is not None:
            if len(exclude_ids.shape) != 2:
                raise ValueError(
                    "`exclude_ids` must have shape (batch, num_excluded). "
                    f"Received shape {tuple(exclude_ids.shape)}"
                )
            exclude_ids = ops.convert_to_tensor(exclude_ids)
            # Ids beyond int32 match no candidate (candidate ids are int32);
            # masked in their own dtype, since the cast would wrap them.
            exclude_valid = ops.logical_and(
                exclude_ids >= _INT32.min, exclude_ids <= _INT32.max
            )
            exclude_ids = ops.cast(exclude_ids, "int32")
            num_excluded = int(exclude_ids.shape[1])
        neg_inf = ops.cast(float("-inf"), self.compute_dtype)
        all_candidates = ops.convert_to_tensor(self.candidates)
        all_ids = ops.convert_to_tensor(self.candidate_ids)
        best_scores = None
        best_ids = None
        for start in range(0, self.num_candidates, self.chunk_size):
            size = min(self.chunk_size, self.num_candidates - start)
            chunk = ops.cast(
                ops.slice(all_candidates, (start, 0), (size, self.embedding_dim)),
                self.compute_dtype,
            )
            chunk_ids = ops.slice(all_ids, (start,), (size,))
            scores = ops.matmul(queries, ops.transpose(chunk))
            keep = min(self.k + num_excluded, size)
            top_scores, top_index = ops.top_k(scores, keep, sorted=False)
            top_ids = ops.take(chunk_ids, top_index)
            if num_excluded:
                equal = ops.equal(
                    ops.expand_dims(top_ids, -1), ops.expand_dims(exclude_ids, 1)
                )
                hit = ops.any(
                    ops.logical_and(equal, ops.expand_dims(exclude_valid, 1)), axis=-1
                )
                top_scores = ops.where(hit, neg_inf, top_scores)
            if best_scores is not None:
                top_scores = ops.concatenate([best_scores, top_scores], axis=1)
                top_ids = ops.concatenate([best_ids, top_ids], axis=1)
            width = min(self.k, top_scores.shape[1])
            best_scores, index = ops.top_k(top_scores, width, sorted=True)
            best_ids = ops.take_along_axis(top_ids, index, axis=1)
        best_ids = ops.where(ops.equal(best_scores, neg_inf), -1, best_ids)
        return best_scores, ops.cast(best_ids, "int32")

    def compute_output_spec(self, inputs, exclude_ids=None):
        shape = (inputs.shape[0], self.k)
        return (
            keras.KerasTensor(shape, dtype=self.compute_dtype),
            keras.KerasTensor(shape, dtype="int32"),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_candidates": self.num_candidates,
                "k": self.k,
                "chunk_size": self.chunk_size,
            }
        )
        return config
