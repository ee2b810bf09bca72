"""Precision at k: the `PrecisionAtK` metric and the `precision_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
Precision at k: the share of the top k ranked items that are relevant.

Precision@k divides the number of relevant items in the top k by `k`.
"""


@keras_recsys_export("keras_recsys.metrics.PrecisionAtK")
class PrecisionAtK(RankingMetric):
    row_function = "precision"


precision_at_k = ranking_metric(PrecisionAtK, "precision_at_k", DESCRIPTION, "0.5")
