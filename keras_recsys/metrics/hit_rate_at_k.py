"""Hit rate at k: the `HitRateAtK` metric and the `hit_rate_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
Hit rate at k: whether any relevant item is in the top k.

Hit rate@k is 1 for a row with a relevant item in its top k, else 0.
"""

REFERENCES = """\
- He et al., 2017. Neural Collaborative Filtering. WWW. (HR@10 under
  the sampled protocol).
"""


@keras_recsys_export("keras_recsys.metrics.HitRateAtK")
class HitRateAtK(RankingMetric):
    row_function = "hit_rate"


hit_rate_at_k = ranking_metric(
    HitRateAtK, "hit_rate_at_k", DESCRIPTION, "1.0", references=REFERENCES
)
