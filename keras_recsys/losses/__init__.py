"""keras_recsys.losses: public losses."""

from keras_recsys.losses.in_batch_softmax_loss import InBatchSoftmaxLoss
from keras_recsys.losses.masked_mean_squared_error import MaskedMeanSquaredError

__all__ = [
    "MaskedMeanSquaredError",
    "InBatchSoftmaxLoss",
]
