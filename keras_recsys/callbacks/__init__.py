"""keras_recsys.callbacks: public callbacks."""

from keras_recsys.callbacks.kl_annealing import KLAnnealing

__all__ = [
    "KLAnnealing",
]
