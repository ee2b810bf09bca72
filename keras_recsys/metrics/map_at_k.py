"""Mean average precision at k: `MAPAtK` and `map_at_k`."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
Mean average precision at k.

AP@k sums precision@i over the ranks i <= k that hold a relevant item and
divides by `min(k, relevant)`; the metric averages it over rows.
"""


@keras_recsys_export("keras_recsys.metrics.MAPAtK")
class MAPAtK(RankingMetric):
    row_function = "map"


map_at_k = ranking_metric(MAPAtK, "map_at_k", DESCRIPTION, "0.25")
