"""Precision at k: the `PrecisionAtK` metric and the `precision_at_k` function."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.metrics.precision_at_k")
@format_docstring(**_docstrings.function_paragraphs("PrecisionAtK"))
def precision_at_k(y_true, y_pred, k):
    """Precision at k: the share of the top k ranked items that are relevant.

    Precision@k divides the number of relevant items in the top k by `k`.

    {contract}

    Args:
        {inputs}

    {returns}

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
@format_docstring(**_docstrings.metric_paragraphs("precision"))
class PrecisionAtK(RankingMetric):
    """Precision at k: the share of the top k ranked items that are relevant.

    Precision@k divides the number of relevant items in the top k by `k`.

    {contract}

    Args:
        {k_arg}
        {name_args}

    {call_inputs}

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
