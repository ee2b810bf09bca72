import numpy as np
from keras import ops

from keras_recsys.losses.ranking_loss import CheckedLoss
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of


@keras_recsys_export("keras_recsys.losses.MaskedMeanSquaredError")
class MaskedMeanSquaredError(CheckedLoss):
    """Squared error on the observed entries of a rating matrix only.

    Entries of `y_true` equal to `missing_value` (0 by default: unobserved
    ratings) contribute nothing and get no gradient. For each row the loss
    is the mean (or, with `row_reduction="sum"`, the sum) of
    `(y_true - y_pred) ** 2` over its observed entries; a row with no
    observed entry gives 0. The base class then averages rows over the
    batch.

    `row_reduction="sum"` is AutoRec's objective (Sedhain et al., 2015): the
    sum of squared errors over all observed ratings, which weights each rating
    equally; `"mean"` weights each row equally.

    Args:
        missing_value: float. The value of `y_true` that marks an unobserved
            entry. Defaults to `0.0`.
        row_reduction: `"mean"` or `"sum"`. How a row's squared errors are
            combined. Defaults to `"mean"`.
        reduction: reduction over the batch (see `keras.losses.Loss`).
            Defaults to `"sum_over_batch_size"`.
        name: str. Defaults to `"masked_mean_squared_error"`.
        dtype: optional dtype of the loss computation.

    Call arguments:
        y_true: float tensor `(batch, n)`: ratings, `missing_value` where
            unobserved.
        y_pred: float tensor `(batch, n)`: predicted ratings.

    Returns:
        The loss: a scalar with the default reduction, else one value per row.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.MaskedMeanSquaredError()
    y_true = np.array([[5.0, 0.0, 3.0]])
    y_pred = np.array([[4.0, 1.0, 3.0]])
    value = loss(y_true, y_pred)  # ((5 - 4) ** 2 + 0) / 2 = 0.5
    ```

    References:
        - [Sedhain et al., 2015. AutoRec: Autoencoders Meet Collaborative
          Filtering](https://doi.org/10.1145/2740908.2742726)
    """

    def __init__(
        self,
        missing_value=0.0,
        row_reduction="mean",
        reduction="sum_over_batch_size",
        name="masked_mean_squared_error",
        dtype=None,
    ):
        self.missing_value = check_float("missing_value", missing_value)
        self.row_reduction = check_one_of(
            "row_reduction", row_reduction, {"mean", "sum"}
        )
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        if backend_utils.is_concrete(y_true):
            values = backend_utils.to_numpy(y_true)
            if np.issubdtype(values.dtype, np.floating) and np.isnan(values).any():
                raise ValueError(
                    "`y_true` of MaskedMeanSquaredError holds NaN; mark "
                    f"unobserved entries with missing_value={self.missing_value}."
                )
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                "`y_true` and `y_pred` must have the same shape. Received: "
                f"y_true.shape={tuple(y_true.shape)}, "
                f"y_pred.shape={tuple(y_pred.shape)}"
            )
        observed = ops.cast(ops.not_equal(y_true, self.missing_value), y_pred.dtype)
        squared = observed * ops.square(y_true - y_pred)
        total = ops.sum(squared, axis=-1)
        if self.row_reduction == "sum":
            return total
        count = ops.sum(observed, axis=-1)
        return total / ops.maximum(count, ops.cast(1.0, count.dtype))

    def get_config(self):
        config = super().get_config()
        config.update(
            {"missing_value": self.missing_value, "row_reduction": self.row_reduction}
        )
        return config
