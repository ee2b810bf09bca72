"""Mean average precision at k: `MAPAtK` and `map_at_k`."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.metrics.map_at_k")
@format_docstring(**_docstrings.function_paragraphs("MAPAtK"))
def map_at_k(y_true, y_pred, k):
    """Mean average precision at k.

    AP@k sums precision@i over the ranks i <= k that hold a relevant item and
    divides by `min(k, relevant)`; the metric averages it over rows.

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
    keras_recsys.metrics.map_at_k(y_true, y_pred, k=2)  # [0.25]
    ```
    """
    return row_functions.per_row("map", y_true, y_pred, k)


@keras_recsys_export("keras_recsys.metrics.MAPAtK")
@format_docstring(**_docstrings.metric_paragraphs("map"))
class MAPAtK(RankingMetric):
    """Mean average precision at k.

    AP@k sums precision@i over the ranks i <= k that hold a relevant item and
    divides by `min(k, relevant)`; the metric averages it over rows.

    {contract}

    Args:
        {k_arg}
        {name_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.MAPAtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 0.25
    ```
    """

    row_function = "map"
