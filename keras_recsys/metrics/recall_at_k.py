"""Recall at k: the `RecallAtK` metric and the `recall_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.metrics.recall_at_k")
def recall_at_k(y_true, y_pred, k, cap_at_k=False):
    """Recall at k: the share of a row's relevant items found in its top k.

    Recall@k divides the number of relevant items in the top k by the number of
    relevant items of the row, or by `min(k, relevant)` when `cap_at_k=True` (the
    convention of Liang et al. 2018, which makes a perfect ranking score 1).

    Inputs follow the ranking contract of docs/concepts.md: labels > 0 are
    relevant (graded), 0 not relevant, < 0 excluded from ranking; among equal
    scores the lower index ranks first. A row with no relevant item gets 0
    (the `RecallAtK` metric gives it no weight); NaN inputs raise a
    `ValueError` in eager calls (see docs/concepts.md).

    Args:
        y_true: tensor. Dense labels `(batch, n)`, or item ids: `(batch,)`
            or `(batch, m)` padded with -1 (see
            `keras_recsys.metrics.sparse_targets`).
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        k: int. The cut-off, `1 <= k <= n`.
        cap_at_k: bool. Whether to divide by `min(k, relevant)` instead of
            the number of relevant items. Defaults to `False`.

    Returns:
        A float32 tensor `(batch,)`: one value per row.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    y_true = np.array([[0.0, 1.0, 0.0, 1.0]])
    y_pred = np.array([[0.9, 0.8, 0.1, 0.0]])
    keras_recsys.metrics.recall_at_k(y_true, y_pred, k=2)  # [0.5]
    ```
    References:
        - Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering. WWW. (recall@k normalized by min(k, relevant)).
    """
    return row_functions.per_row("recall", y_true, y_pred, k, cap_at_k=bool(cap_at_k))


@keras_recsys_export("keras_recsys.metrics.RecallAtK")
class RecallAtK(RankingMetric):
    """Recall at k: the share of a row's relevant items found in its top k.

    Recall@k divides the number of relevant items in the top k by the number of
    relevant items of the row, or by `min(k, relevant)` when `cap_at_k=True` (the
    convention of Liang et al. 2018, which makes a perfect ranking score 1).

    A streaming mean over rows: results over several batches equal the result
    over all rows at once. Inputs follow the ranking contract of
    docs/concepts.md: labels > 0 are relevant (graded), 0 not relevant, < 0
    excluded from ranking; among equal scores the lower index ranks first on
    every backend; rows with no relevant item carry no weight; `sample_weight`
    is a scalar or `(batch,)`.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        cap_at_k: bool. Whether to divide by `min(k, relevant)` instead of
            the number of relevant items. Defaults to `False`.
        name: str. The metric's name. Defaults to `"recall@<k>"`.
        dtype: the metric's dtype. Defaults to `None` (float32).

    Call inputs (`update_state`):
        y_true: tensor `(batch, n)` labels, or item ids `(batch,)` / `(batch, m)`.
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        sample_weight: optional scalar or `(batch,)` weights of the rows.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.RecallAtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 0.5
    ```
    References:
        - Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering. WWW. (recall@k normalized by min(k, relevant)).
    """

    row_function = "recall"

    def __init__(self, k, cap_at_k=False, name=None, dtype=None):
        self.cap_at_k = bool(cap_at_k)
        super().__init__(k, name=name, dtype=dtype)

    def row_kwargs(self):
        return {"cap_at_k": self.cap_at_k}

    def get_config(self):
        return {**super().get_config(), "cap_at_k": self.cap_at_k}
