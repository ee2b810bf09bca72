"""F1 at k: the `F1AtK` metric and the `f1_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
F1 at k: the per-row harmonic mean of precision@k and recall@k.

F1@k is `2 * P * R / (P + R)` of each row's precision@k and (uncapped)
recall@k, 0 when both are 0; the metric averages it over rows.
"""


@keras_recsys_export("keras_recsys.metrics.F1AtK")
class F1AtK(RankingMetric):
    row_function = "f1"


f1_at_k = ranking_metric(F1AtK, "f1_at_k", DESCRIPTION, "0.5")
