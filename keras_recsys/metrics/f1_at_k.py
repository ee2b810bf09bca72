"""F1 at k: the `F1AtK` metric and the `f1_at_k` function."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.metrics.f1_at_k")
@format_docstring(**_docstrings.function_paragraphs("F1AtK"))
def f1_at_k(y_true, y_pred, k):
    """F1 at k: the per-row harmonic mean of precision@k and recall@k.

    F1@k is `2 * P * R / (P + R)` of each row's precision@k and (uncapped)
    recall@k, 0 when both are 0; the metric averages it over rows.

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
    keras_recsys.metrics.f1_at_k(y_true, y_pred, k=2)  # [0.5]
    ```
    """
    return row_functions.per_row("f1", y_true, y_pred, k)


@keras_recsys_export("keras_recsys.metrics.F1AtK")
@format_docstring(**_docstrings.metric_paragraphs("f1"))
class F1AtK(RankingMetric):
    """F1 at k: the per-row harmonic mean of precision@k and recall@k.

    F1@k is `2 * P * R / (P + R)` of each row's precision@k and (uncapped)
    recall@k, 0 when both are 0; the metric averages it over rows.

    {contract}

    Args:
        {k_arg}
        {name_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.F1AtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 0.5
    ```
    """

    row_function = "f1"
