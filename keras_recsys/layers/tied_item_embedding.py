import contextlib

import keras
from keras import ops

from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.layers.last_real_position import gather_positions
from keras_recsys.layers.last_real_position import last_real_index
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of

MODES = ("embed", "logits", "candidates", "next_item")
TRAINING_OUTPUTS = ("logits", "states")


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
      a candidate id 0 gets the very large negative score. A candidate id
      out of range raises a `ValueError` naming `candidates` in eager calls;
      inside compiled graphs (where values cannot be read) it gets the very
      large negative score too, never the score of another row.
    - `mode="next_item"`: per-position vectors `(batch, steps, output_dim)`
      with their mask -> the next-item head of a sequence model. At
      inference (`training` false) the logits `(batch, input_dim)` of the
      last real position of each row. In training, every position:
      `training_output="logits"` gives the logits `(batch, steps,
      input_dim)`, `training_output="states"` the vectors themselves (for a
      sampled loss that scores them against this table, such as
      `keras_recsys.losses.SampledSoftmaxLoss`, so that no
      `(batch, steps, input_dim)` tensor is ever made).

    The out-of-vocabulary row of `IdEmbedding` is never scored. In the
    `logits` and `candidates` modes the mask of the vectors is passed on.

    Args:
        input_dim: int. Number of ids, padding included: `num_items + 1`
            for item ids `1..num_items`.
        output_dim: int. Size of each embedding vector.
        mask_zero: bool. Whether id 0 is padding and produces a mask.
            Defaults to `False`.
        seed: int or None. Seed of the layer's `seed_generator`, which
            sampled losses use to draw negatives (it lives in the layer so
            that its state advances in every backend's training step).
            Defaults to `None`.
        embeddings_initializer: initializer of the table. Defaults to
            `"uniform"`.
        embeddings_regularizer: optional regularizer of the table.
        embeddings_constraint: optional constraint of the table.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: ids (`embed`), vectors (`logits`), or the list
            `[vectors, candidate_ids]` (`candidates`).
        mode: str. One of `"embed"`, `"logits"`, `"candidates"`,
            `"next_item"`. Defaults to `"embed"`.
        training_output: str. What `mode="next_item"` returns in training:
            `"logits"` or `"states"`. Defaults to `"logits"`.
        training: bool. Whether the call is a training step.
        mask: boolean mask of the vectors (`next_item`).

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

    def __init__(self, input_dim, output_dim, mask_zero=False, seed=None, **kwargs):
        super().__init__(input_dim, output_dim, mask_zero=mask_zero, **kwargs)
        # Masks pass through the scoring modes even without mask_zero.
        self.supports_masking = True
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape=None):
        super().build(input_shape)

    def _catalog(self):
        # Rows 0..input_dim-1; the last row (OOV) is never a catalog item.
        return ops.cast(self.embeddings[: self.input_dim], self.compute_dtype)

    def score_catalog(self, vectors):
        """Logits `(..., input_dim)` of `vectors`, column 0 very negative."""
        vectors = ops.cast(vectors, self.compute_dtype)
        logits = ops.matmul(vectors, ops.transpose(self._catalog()))
        is_pad = ops.arange(self.input_dim) == 0
        return ops.where(
            is_pad, ops.cast(large_negative(logits.dtype), logits.dtype), logits
        )

    def score_candidates(self, vectors, candidates, name="candidates"):
        """Scores `(..., C)` of `candidates` ids for `vectors` `(..., dim)`.

        Id 0 and, inside compiled graphs, ids out of range get the very
        large negative score; eager calls raise for ids out of range.
        """
        self.check_ids(candidates, name=name)
        rows = ops.take(self.embeddings, self.lookup_ids(candidates), axis=0)
        rows = ops.cast(rows, self.compute_dtype)
        vectors = ops.cast(vectors, self.compute_dtype)
        scores = ops.sum(ops.expand_dims(vectors, -2) * rows, axis=-1)
        ids = ops.cast(candidates, "int32")
        invalid = ops.logical_or(ids <= 0, ids >= self.input_dim)
        return ops.where(
            invalid, ops.cast(large_negative(scores.dtype), scores.dtype), scores
        )

    def call(
        self, inputs, mode="embed", training_output="logits", training=None, mask=None
    ):
        check_one_of("mode", mode, MODES)
        check_one_of("training_output", training_output, TRAINING_OUTPUTS)
        self._note_mode(mode)
        if mode == "embed":
            return super().call(inputs)
        if mode == "logits":
            return self.score_catalog(inputs)
        if mode == "next_item":
            if training or getattr(self, "_every_position", False):
                if training_output == "states":
                    return ops.cast(inputs, self.compute_dtype)
                return self.score_catalog(inputs)
            steps = ops.shape(inputs)[1]
            if mask is None:
                index = ops.full((ops.shape(inputs)[0],), steps - 1, dtype="int32")
            else:
                index = last_real_index(ops.cast(mask, "bool"), steps)
            return self.score_catalog(gather_positions(inputs, index))
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "In mode='candidates' `inputs` must be the list "
                f"[vectors, candidate_ids]. Received: inputs={inputs!r}"
            )
        return self.score_candidates(*inputs)

    @contextlib.contextmanager
    def every_position(self):
        """Within it, `mode="next_item"` scores every position (as in
        training) also in inference calls: `SequentialRecommender` uses it
        for losses on per-position targets outside training steps."""
        previous = getattr(self, "_every_position", False)
        self._every_position = True
        try:
            yield
        finally:
            self._every_position = previous

    def _note_mode(self, mode):
        # Keras calls `compute_mask(inputs, mask)` right after `call` (or
        # `compute_output_spec`) without the call's arguments; the next-item
        # head ends the sequence, so its outputs carry no mask.
        self._ends_sequence = mode == "next_item"

    def compute_mask(self, inputs, mask=None):
        if getattr(self, "_ends_sequence", False):
            return None
        if isinstance(inputs, (list, tuple)):
            return mask[0] if isinstance(mask, (list, tuple)) else mask
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if "int" in dtype:
            return super().compute_mask(inputs, mask)
        return mask

    def compute_output_spec(self, inputs, mode="embed", **kwargs):
        check_one_of("mode", mode, MODES)
        self._note_mode(mode)
        if mode == "next_item":
            # The inference layout; training steps return every position.
            shape = (inputs.shape[0], self.input_dim)
        elif mode == "embed":
            shape = (*inputs.shape, self.output_dim)
        elif mode == "logits":
            shape = (*inputs.shape[:-1], self.input_dim)
        else:
            shape = tuple(inputs[1].shape)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config
