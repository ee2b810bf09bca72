"""The shared bases of the losses: checked calls, ranking rows (not public)."""

import keras
import numpy as np
from keras import ops

from keras_recsys.ranking import contract
from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy
from keras_recsys.utils.validation import check_numeric


class CheckedLoss(keras.losses.Loss):
    """A Keras loss whose call refuses bad input before Keras converts it.

    - strings (or other non-numbers) in `y_true`, `y_pred` or
      `sample_weight` are a `TypeError` naming the argument;
    - NaN in `y_pred` is a `ValueError` in eager calls;
    - a NaN, infinite or negative `sample_weight` is a `ValueError` in eager
      calls (inside a compiled step a NaN weight gives a NaN loss);
    - an empty batch (no row) has loss 0 (Keras would average over no row).
    """

    def __call__(self, y_true, y_pred, sample_weight=None):
        check_numeric("y_true", y_true)
        check_numeric("y_pred", y_pred)
        contract.check_sample_weight(sample_weight)
        if is_concrete(y_pred):
            values = to_numpy(y_pred)
            if values.dtype.kind == "f" and np.isnan(values).any():
                flat = values.reshape(values.shape[0], -1) if values.ndim else values
                rows = np.isnan(flat.reshape(len(flat) if flat.ndim else 1, -1))
                rows = rows.any(axis=1)
                contract.check_no_nan(rows, "y_pred")
        # The static batch size (None inside compiled steps); ops.shape may
        # hold symbolic dims there, which cannot be compared in Python.
        shape = getattr(y_pred, "shape", None)
        if shape is not None and len(shape) and shape[0] == 0:
            return ops.zeros((), self.dtype)
        return super().__call__(y_true, y_pred, sample_weight=sample_weight)


class RankingLoss(CheckedLoss):
    """A loss over ranking inputs `(batch, n)` that never ignores bad input.

    Subclasses implement `row_losses(y_true, y_pred)` on checked tensors
    (float32 labels, float scores) and return one loss per row. On top of
    `CheckedLoss`, the input is read through the ranking contract
    (docs/concepts.md): NaN in `y_true` (or an infinite label) is a
    `ValueError` naming it in eager calls; inside a compiled step (`fit` on
    TensorFlow and JAX) the row's loss is NaN, so the NaN shows in the loss
    rather than the row being silently left out.
    """

    def call(self, y_true, y_pred):
        y_true, y_pred, bad_rows = contract.loss_inputs(y_true, y_pred)
        per_row = self.row_losses(y_true, y_pred)
        return ops.cast(contract.nan_where(bad_rows, per_row), self.dtype)

    def row_losses(self, y_true, y_pred):
        """Returns the float `(batch,)` loss of each row."""
        raise NotImplementedError
