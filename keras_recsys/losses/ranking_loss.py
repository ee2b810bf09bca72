"""The shared base of the ranking losses (not public)."""

import keras
from keras import ops

from keras_recsys.ranking import contract
from keras_recsys.utils.validation import check_numeric


class RankingLoss(keras.losses.Loss):
    """A loss over ranking inputs `(batch, n)` that never ignores bad input.

    Subclasses implement `row_losses(y_true, y_pred)` on checked tensors
    (float32 labels, float scores) and return one loss per row. This class
    reads the input through the ranking contract (docs/concepts.md) first:

    - strings (or other non-numbers) in `y_true`, `y_pred` or
      `sample_weight` are a `TypeError` naming the argument;
    - NaN in `y_true` or `y_pred` is a `ValueError` naming the argument in
      eager calls; inside a compiled step (`fit` on TensorFlow and JAX) the
      row's loss is NaN, so the NaN shows in the loss rather than the row
      being silently left out;
    - a NaN, infinite or negative `sample_weight` is a `ValueError` in eager
      calls (inside a compiled step a NaN weight gives a NaN loss);
    - an empty batch (no row) has loss 0.
    """

    def __call__(self, y_true, y_pred, sample_weight=None):
        check_numeric("y_true", y_true)
        check_numeric("y_pred", y_pred)
        contract.check_sample_weight(sample_weight)
        if tuple(ops.shape(y_pred))[:1] == (0,):
            # Keras would average over no row (0 / 0).
            return ops.zeros((), self.dtype)
        return super().__call__(y_true, y_pred, sample_weight=sample_weight)

    def call(self, y_true, y_pred):
        y_true, y_pred, bad_rows = contract.loss_inputs(y_true, y_pred)
        per_row = self.row_losses(y_true, y_pred)
        return ops.cast(contract.nan_where(bad_rows, per_row), self.dtype)

    def row_losses(self, y_true, y_pred):
        """Returns the float `(batch,)` loss of each row."""
        raise NotImplementedError
