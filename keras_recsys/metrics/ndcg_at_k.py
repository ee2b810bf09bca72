"""NDCG at k: the `NDCGAtK` metric and the `ndcg_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of


@keras_recsys_export("keras_recsys.metrics.ndcg_at_k")
def ndcg_at_k(y_true, y_pred, k, gain="exponential"):
    """Normalized discounted cumulative gain at k.

    NDCG@k is DCG@k divided by the ideal DCG@k of the row. DCG sums
    `gain(label) / log2(rank + 1)` over the top k (ranks from 1), with
    `gain(rel) = 2**rel - 1` (`"exponential"`) or `rel` (`"linear"`); the ideal
    DCG is the DCG of the best ordering of the row's labels, cut at k.
    Graded labels such as play counts (200) give a finite, exact value: each
    row's gains are divided by the same power of two, which cancels in the
    ratio (docs/concepts.md, "Graded gains").

    Inputs follow the ranking contract of docs/concepts.md: labels > 0 are
    relevant (graded), 0 not relevant, < 0 excluded from ranking; among equal
    scores the lower index ranks first. A row with no relevant item gets 0
    (the `NDCGAtK` metric gives it no weight); NaN inputs raise a
    `ValueError` in eager calls (see docs/concepts.md).

    Args:
        y_true: tensor. Dense labels `(batch, n)`, or item ids: `(batch,)`
            or `(batch, m)` padded with -1 (see
            `keras_recsys.metrics.sparse_targets`).
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        k: int. The cut-off, `1 <= k <= n`.
        gain: str. `"exponential"` (`2**rel - 1`) or `"linear"` (`rel`).
            Defaults to `"exponential"`.

    Returns:
        A float32 tensor `(batch,)`: one value per row.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    y_true = np.array([[0.0, 1.0, 0.0, 1.0]])
    y_pred = np.array([[0.9, 0.8, 0.1, 0.0]])
    keras_recsys.metrics.ndcg_at_k(y_true, y_pred, k=2)  # [0.38685283]
    ```
    References:
        - Jarvelin and Kekalainen, 2002. Cumulated Gain-Based Evaluation of IR
          Techniques. ACM TOIS.
    """
    check_one_of("gain", gain, ("exponential", "linear"))
    return row_functions.per_row("ndcg", y_true, y_pred, k, gain=gain)


@keras_recsys_export("keras_recsys.metrics.NDCGAtK")
class NDCGAtK(RankingMetric):
    """Normalized discounted cumulative gain at k.

    NDCG@k is DCG@k divided by the ideal DCG@k of the row. DCG sums
    `gain(label) / log2(rank + 1)` over the top k (ranks from 1), with
    `gain(rel) = 2**rel - 1` (`"exponential"`) or `rel` (`"linear"`); the ideal
    DCG is the DCG of the best ordering of the row's labels, cut at k.
    Graded labels such as play counts (200) give a finite, exact value: each
    row's gains are divided by the same power of two, which cancels in the
    ratio (docs/concepts.md, "Graded gains").

    A streaming mean over rows: results over several batches equal the result
    over all rows at once. Inputs follow the ranking contract of
    docs/concepts.md: labels > 0 are relevant (graded), 0 not relevant, < 0
    excluded from ranking; among equal scores the lower index ranks first on
    every backend; rows with no relevant item carry no weight; `sample_weight`
    is a scalar or `(batch,)`.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        gain: str. `"exponential"` (`2**rel - 1`) or `"linear"` (`rel`).
            Defaults to `"exponential"`.
        name: str. The metric's name. Defaults to `"ndcg@<k>"`.
        dtype: the metric's dtype. Defaults to `None` (float32).

    Call inputs (`update_state`):
        y_true: tensor `(batch, n)` labels, or item ids `(batch,)` / `(batch, m)`.
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        sample_weight: optional scalar or `(batch,)` weights of the rows.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.NDCGAtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 0.38685283
    ```
    References:
        - Jarvelin and Kekalainen, 2002. Cumulated Gain-Based Evaluation of IR
          Techniques. ACM TOIS.
    """

    row_function = "ndcg"

    def __init__(self, k, gain="exponential", name=None, dtype=None):
        self.gain = check_one_of("gain", gain, ("exponential", "linear"))
        super().__init__(k, name=name, dtype=dtype)

    def row_kwargs(self):
        return {"gain": self.gain}

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
