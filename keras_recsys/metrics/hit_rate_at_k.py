"""Hit rate at k: the `HitRateAtK` metric and the `hit_rate_at_k` function."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.metrics.hit_rate_at_k")
@format_docstring(**_docstrings.function_paragraphs("HitRateAtK"))
def hit_rate_at_k(y_true, y_pred, k):
    """Hit rate at k: whether any relevant item is in the top k.

    Hit rate@k is 1 for a row with a relevant item in its top k, else 0.

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
    keras_recsys.metrics.hit_rate_at_k(y_true, y_pred, k=2)  # [1.0]
    ```
    References:
        - He et al., 2017. Neural Collaborative Filtering. WWW. (HR@10 under
          the sampled protocol).
    """
    return row_functions.per_row("hit_rate", y_true, y_pred, k)


@keras_recsys_export("keras_recsys.metrics.HitRateAtK")
@format_docstring(**_docstrings.metric_paragraphs("hit_rate"))
class HitRateAtK(RankingMetric):
    """Hit rate at k: whether any relevant item is in the top k.

    Hit rate@k is 1 for a row with a relevant item in its top k, else 0.

    {contract}

    Args:
        {k_arg}
        {name_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    metric = keras_recsys.metrics.HitRateAtK(k=2)
    metric.update_state(
        np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
    )
    metric.result()  # 1.0
    ```
    References:
        - He et al., 2017. Neural Collaborative Filtering. WWW. (HR@10 under
          the sampled protocol).
    """

    row_function = "hit_rate"
