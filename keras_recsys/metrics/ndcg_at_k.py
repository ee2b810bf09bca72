"""NDCG at k: the `NDCGAtK` metric and the `ndcg_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.metrics.ranking_metric import ranking_metric
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of

DESCRIPTION = """\
Normalized discounted cumulative gain at k.

NDCG@k is DCG@k divided by the ideal DCG@k of the row. DCG sums
`gain(label) / log2(rank + 1)` over the top k (ranks from 1), with
`gain(rel) = 2**rel - 1` (`"exponential"`) or `rel` (`"linear"`); the ideal
DCG is the DCG of the best ordering of the row's labels, cut at k.
Graded labels such as play counts (200) give a finite, exact value: each
row's gains are divided by the same power of two, which cancels in the
ratio (docs/concepts.md, "Graded gains").
"""

OPTIONS = """\
gain: str. `"exponential"` (`2**rel - 1`) or `"linear"` (`rel`).
    Defaults to `"exponential"`.
"""

REFERENCES = """\
- Jarvelin and Kekalainen, 2002. Cumulated Gain-Based Evaluation of IR
  Techniques. ACM TOIS.
"""


@keras_recsys_export("keras_recsys.metrics.NDCGAtK")
class NDCGAtK(RankingMetric):
    row_function = "ndcg"

    def __init__(self, k, gain="exponential", name=None, dtype=None):
        super().__init__(k, name=name, dtype=dtype, gain=gain)

    @staticmethod
    def check_options(gain="exponential"):
        return {"gain": check_one_of("gain", gain, ("exponential", "linear"))}


ndcg_at_k = ranking_metric(
    NDCGAtK,
    "ndcg_at_k",
    DESCRIPTION,
    "0.38685283",
    options=OPTIONS,
    references=REFERENCES,
)
