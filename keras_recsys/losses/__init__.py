"""keras_recsys.losses: public losses."""

from keras_recsys.losses.masked_mean_squared_error import MaskedMeanSquaredError

__all__ = [
    "MaskedMeanSquaredError",
]
