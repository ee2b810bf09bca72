"""The shared base of the sampled next-item losses (not public)."""

import keras
import numpy as np
from keras import ops

from keras_recsys.utils.validation import check_positive_int

LARGE_NEGATIVE = -1.0e9


class SampledNextItemLoss(keras.losses.Loss):
    """Scores each target against `num_negatives` items drawn for the batch.

    `item_embedding` is the model's tied item table (a
    `keras_recsys.layers.TiedItemEmbedding`: `embeddings`, `input_dim` and
    the `seed_generator` the negatives are drawn with, which lives in the
    model so that its state advances in every backend's training step).
    One set of negatives is drawn per batch and shared by every position
    (memory `batch * steps * num_negatives`, never `batch * steps *
    num_items`); a negative equal to a position's target is left out for
    that position. Positions whose target is 0 carry no loss; the losses of
    the other positions are averaged over the batch (each row returns its
    share of that mean, so Keras's default reduction gives it).

    `y_pred` is what the model returns: per-position vectors `(batch,
    steps, dim)` in training (a model built with `training_output=
    "states"`), one vector per row `(batch, dim)`, or the last-position
    logits `(batch, num_items)` in `evaluate` (the negatives' columns are
    then read from them).

    Subclasses implement `position_losses(positive, negatives, log_q_pos,
    log_q_neg)`.
    """

    def __init__(
        self,
        item_embedding=None,
        num_negatives=256,
        name=None,
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.item_embedding = item_embedding
        self.num_negatives = check_positive_int("num_negatives", num_negatives)

    def sampling_cdf(self):
        """Cumulative sampling probabilities over codes, or None (uniform)."""
        return None

    def draw_negatives(self, table):
        shape = (self.num_negatives,)
        cdf = self.sampling_cdf()
        if cdf is None:
            return keras.random.randint(
                shape, 1, table.input_dim, dtype="int32", seed=table.seed_generator
            )
        u = keras.random.uniform(shape, seed=table.seed_generator)
        ids = ops.searchsorted(ops.convert_to_tensor(cdf), u, side="right")
        return ops.clip(ops.cast(ids, "int32"), 1, table.input_dim - 1)

    def log_q(self, ids):
        """log of each id's sampling probability (zeros when uniform)."""
        return None

    def _table(self):
        table = self.item_embedding
        if table is None or not hasattr(table, "seed_generator"):
            raise ValueError(
                f"`item_embedding` of {type(self).__name__} must be the model's "
                "TiedItemEmbedding, e.g. model.get_layer('item_embedding') (a "
                "loss revived from a config holds none: set it again). "
                f"Received: item_embedding={table!r}"
            )
        return table

    def __call__(self, y_true, y_pred, sample_weight=None):
        # Padding is read from the targets: a mask that Keras carries on the
        # vectors ((batch, steps)) must not reweight the per-row values.
        y_pred = ops.copy(ops.convert_to_tensor(y_pred))
        return super().__call__(y_true, y_pred, sample_weight=sample_weight)

    def call(self, y_true, y_pred):
        table = self._table()
        targets = ops.cast(y_true, "int32")
        y_pred = ops.cast(y_pred, "float32")
        negatives = self.draw_negatives(table)
        is_logits = (
            y_pred.shape[-1] == table.input_dim and table.input_dim != table.output_dim
        )
        if is_logits:
            positive = ops.take_along_axis(
                y_pred, ops.expand_dims(ops.maximum(targets, 0), -1), axis=-1
            )[..., 0]
            negative = ops.take(y_pred, negatives, axis=-1)
        else:
            rows = ops.cast(table.embeddings, "float32")
            lookup = ops.where(
                ops.logical_and(targets > 0, targets < table.input_dim), targets, 0
            )
            positive = ops.sum(y_pred * ops.take(rows, lookup, axis=0), axis=-1)
            negative = ops.matmul(y_pred, ops.transpose(ops.take(rows, negatives, 0)))
        hits = ops.equal(ops.expand_dims(targets, -1), negatives)
        negative = ops.where(hits, LARGE_NEGATIVE, negative)
        log_q_pos = self.log_q(targets)
        log_q_neg = self.log_q(negatives)
        losses = self.position_losses(positive, negative, log_q_pos, log_q_neg)
        valid = ops.cast(targets > 0, losses.dtype)
        losses = losses * valid
        if len(ops.shape(losses)) == 1:
            losses = ops.expand_dims(losses, -1)
            valid = ops.expand_dims(valid, -1)
        rows = ops.cast(ops.shape(losses)[0], losses.dtype)
        share = rows / ops.maximum(ops.sum(valid), 1.0)
        return ops.sum(losses, axis=-1) * share

    def position_losses(self, positive, negative, log_q_pos, log_q_neg):
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        config.update({"num_negatives": self.num_negatives})
        return config


def popularity_cdf(item_frequencies, power):
    """Sampling probabilities ~ frequency**power over codes 1..n (code 0
    never), as (probabilities, cumulative) float64 numpy arrays."""
    counts = np.asarray(item_frequencies, dtype="float64")
    if counts.ndim != 1 or counts.size < 2 or not np.isfinite(counts).all():
        raise ValueError(
            "`item_frequencies` must be a finite 1-D array with one count per "
            f"code (the id table). Received shape {counts.shape}"
        )
    if (counts < 0).any():
        raise ValueError("`item_frequencies` must be >= 0.")
    weights = counts**power
    weights[0] = 0.0
    if weights.sum() <= 0:
        raise ValueError("`item_frequencies` must hold a positive count.")
    probabilities = weights / weights.sum()
    return probabilities, np.cumsum(probabilities)
