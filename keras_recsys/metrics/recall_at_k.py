"""Recall at k: the `RecallAtK` metric and the `recall_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export

DESCRIPTION = """\
Recall at k: the share of a row's relevant items found in its top k.

Recall@k divides the number of relevant items in the top k by the number of
relevant items of the row, or by `min(k, relevant)` when `cap_at_k=True` (the
convention of Liang et al. 2018, which makes a perfect ranking score 1).
"""

OPTIONS = """\
cap_at_k: bool. Whether to divide by `min(k, relevant)` instead of
    the number of relevant items. Defaults to `False`.
"""

REFERENCES = """\
- Liang et al., 2018. Variational Autoencoders for Collaborative
  Filtering. WWW. (recall@k normalized by min(k, relevant)).
"""


@keras_recsys_export("keras_recsys.metrics.RecallAtK")
class RecallAtK(RankingMetric):
    row_function = "recall"

    def __init__(self, k, cap_at_k=False, name=None, dtype=None):
        super().__init__(k, name=name, dtype=dtype, cap_at_k=cap_at_k)

    @staticmethod
    def check_options(cap_at_k=False):
        return {"cap_at_k": bool(cap_at_k)}


recall_at_k = ranking_metric(
    RecallAtK, "recall_at_k", DESCRIPTION, "0.5", options=OPTIONS, references=REFERENCES
)
