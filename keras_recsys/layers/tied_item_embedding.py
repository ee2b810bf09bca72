import keras
from keras import ops

from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of

MODES = ("embed", "logits", "candidates")


def large_negative(dtype):
    """A very negative logit that is finite in `dtype`."""
    # float16 overflows past 65504; the other float types hold 1e9.
    return -3.0e4 if keras.backend.standardize_dtype(dtype) == "float16" else -1.0e9


@keras_recsys_export("keras_recsys.layers.TiedItemEmbedding")
class TiedItemEmbedding(IdEmbedding):
    """An item embedding table that also scores vectors against the catalog.

    The same layer, called in three modes, embeds item ids and turns the
    vectors of a sequence encoder into item logits with the *same* table
    (weight tying, as in SASRec and GRU4Rec):

    - `mode="embed"` (the default): integer ids -> vectors, exactly as
      `keras_recsys.layers.IdEmbedding`; with `mask_zero=True` id 0 is padding
      and produces a mask.
    - `mode="logits"`: vectors `(..., output_dim)` -> logits
      `(..., input_dim)` over the whole catalog, column `j` scoring id `j`.
      Column 0 (padding) always gets a very large negative logit (`-1e9`), so
      it is never recommended and takes no probability under a softmax.
    - `mode="candidates"`: `[vectors (..., output_dim), ids (..., C)]` ->
      scores `(..., C)` of the given candidate ids (for sampled-negative
      training with `keras_recsys.losses.BPRLoss` or binary cross-entropy);
      a candidate id 0 gets the very large negative score.

    The out-of-vocabulary row of `IdEmbedding` is never scored. In the
    `logits` and `candidates` modes the mask of the vectors is passed on.

    Args:
        input_dim: int. Number of ids, padding included: `num_items + 1`
            for item ids `1..num_items`.
        output_dim: int. Size of each embedding vector.
        mask_zero: bool. Whether id 0 is padding and produces a mask.
            Defaults to `False`.
        embeddings_initializer: initializer of the table. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the table.
        embeddings_constraint: optional constraint of the table.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: ids (`embed`), vectors (`logits`), or the list
            `[vectors, candidate_ids]` (`candidates`).
        mode: str. One of `"embed"`, `"logits"`, `"candidates"`. Defaults to
            `"embed"`.

    Returns:
        Vectors `inputs.shape + (output_dim,)` (`embed`), logits
        `(..., input_dim)` (`logits`) or scores `(..., C)` (`candidates`).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    items = keras_recsys.layers.TiedItemEmbedding(input_dim=11, output_dim=4)
    vectors = items(np.array([[3, 5, 0]]))              # (1, 3, 4)
    logits = items(vectors, mode="logits")              # (1, 3, 11)
    scores = items([vectors[:, -1], np.array([[3, 7]])], mode="candidates")
    ```

    References:
        - Kang & McAuley. [Self-Attentive Sequential Recommendation](
          https://arxiv.org/abs/1808.09781). ICDM 2018.
        - Press & Wolf. [Using the Output Embedding to Improve Language
          Models](https://arxiv.org/abs/1608.05859). EACL 2017.
    """

    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(input_dim, output_dim, mask_zero=mask_zero, **kwargs)
        # Masks pass through the scoring modes even without mask_zero.
        self.supports_masking = True

    def build(self, input_shape=None):
        super().build(input_shape)

    def _catalog(self):
        # Rows 0..input_dim-1; the last row (OOV) is never a catalog item.
        return ops.cast(self.embeddings[: self.input_dim], self.compute_dtype)

    def call(self, inputs, mode="embed"):
        check_one_of("mode", mode, MODES)
        if mode == "embed":
            return super().call(inputs)
        if mode == "logits":
            vectors = ops.cast(inputs, self.compute_dtype)
            logits = ops.matmul(vectors, ops.transpose(self._catalog()))
            is_pad = ops.arange(self.input_dim) == 0
            return ops.where(
                is_pad, ops.cast(large_negative(logits.dtype), logits.dtype), logits
            )
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "In mode='candidates' `inputs` must be the list "
                f"[vectors, candidate_ids]. Received: inputs={inputs!r}"
            )
        vectors, candidates = inputs
        rows = ops.take(self.embeddings, self.lookup_ids(candidates), axis=0)
        rows = ops.cast(rows, self.compute_dtype)
        vectors = ops.cast(vectors, self.compute_dtype)
        scores = ops.sum(ops.expand_dims(vectors, -2) * rows, axis=-1)
        return ops.where(
            ops.equal(candidates, 0),
            ops.cast(large_negative(scores.dtype), scores.dtype),
            scores,
        )

    def compute_mask(self, inputs, mask=None):
        if isinstance(inputs, (list, tuple)):
            return mask[0] if isinstance(mask, (list, tuple)) else mask
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if "int" in dtype:
            return super().compute_mask(inputs, mask)
        return mask

    def compute_output_spec(self, inputs, mode="embed"):
        check_one_of("mode", mode, MODES)
        if mode == "embed":
            shape = (*inputs.shape, self.output_dim)
        elif mode == "logits":
            shape = (*inputs.shape[:-1], self.input_dim)
        else:
            shape = tuple(inputs[1].shape)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)
