"""Precision at k: the `PrecisionAtK` metric and the `precision_at_k` function."""

from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.metrics.precision_at_k")
def precision_at_k(y_true, y_pred, k):
    """Precision at k: the share of the top k ranked items that are relevant.

    Precision@k divides the number of relevant items in the top k by `k`.

    Inputs follow the ranking contract of docs/concepts.md: labels > 0 are
    relevant (graded), 0 not relevant, < 0 excluded from ranking; among equal
    scores the lower index ranks first. A row with no relevant item gets 0
    (the `PrecisionAtK` metric gives it no weight); NaN inputs raise a
    `ValueError` in eager calls (see docs/concepts.md).

    Args:
        y_true: tensor. Dense labels `(batch, n)`, or item ids: `(batch,)`
            or `(batch, m)` padded with -1 (see
            `keras_recsys.metrics.sparse_targets`).
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        k: int. The cut-off, `1 <= k <= n`.

    Returns:
        A float32 tensor `(batch,)`: one value per row.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    y_true = np.array([[0.0, 1.0, 0.0, 1.0]])
    y_pred = np.array([[0.9, 0.8, 0.1, 0.0]])
    keras_recsys.metrics.precision_at_k(y_true, y_pred, k=2)  # [0.5]
    ```
    """
    return row_functions.per_row("precision", y_true, y_pred, k)


@keras_recsys_export("keras_recsys.metrics.PrecisionAtK")
class PrecisionAtK(RankingMetric):
    """Precision at k: the share of the top k ranked items that are relevant.

    Precision@k divides the number of relevant items in the top k by `k`.

    A streaming mean over rows: results over several batches equal the result
    over all rows at once. Inputs follow the ranking contract of
    docs/concepts.md: labels > 0 are relevant (graded), 0 not relevant, < 0
    excluded from ranking; among equal scores the lower index ranks first on
    every backend; rows with no relevant item carry no weight; `sample_weight`
    is a scalar or `(batch,)`.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        name: str. The metric's name. Defaults to `"precision@<k>"`.
        dtype: the metric's dtype. Defaults to `None` (float32).

    Call inputs (`update_state`):
        y_true: tensor `(batch, n)` labels, or item ids `(batch,)` / `(batch, m)`.
        y_pred: tensor `(batch, n)`. Scores, higher ranks first.
        sample_weight: optional scalar or `(batch,)` weights of the rows.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.PrecisionAtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 0.5
    ```
    """

    row_function = "precision"
