"""keras_recsys.callbacks: public callbacks."""

from keras_recsys.callbacks.kl_annealing import KLAnnealing
from keras_recsys.callbacks.top_k_evaluation import TopKEvaluation

__all__ = [
    "KLAnnealing",
    "TopKEvaluation",
]
