"""Mean reciprocal rank at k: the `MRRAtK` metric and the `mrr_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
Mean reciprocal rank at k.

Reciprocal rank@k is `1 / rank` of the first relevant item when it is in the
top k (ranks from 1), else 0; the metric averages it over rows.
"""


@keras_recsys_export("keras_recsys.metrics.MRRAtK")
class MRRAtK(RankingMetric):
    row_function = "mrr"


mrr_at_k = ranking_metric(MRRAtK, "mrr_at_k", DESCRIPTION, "0.5")
