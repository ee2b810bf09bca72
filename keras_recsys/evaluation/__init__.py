"""keras_recsys.evaluation: public evaluation."""

from keras_recsys.evaluation.beyond_accuracy import beyond_accuracy
from keras_recsys.evaluation.evaluate_topk import evaluate_topk
from keras_recsys.evaluation.most_popular_scorer import most_popular_scorer
from keras_recsys.evaluation.pairwise_scorer import pairwise_scorer

__all__ = [
    "evaluate_topk",
    "most_popular_scorer",
    "pairwise_scorer",
    "beyond_accuracy",
]
