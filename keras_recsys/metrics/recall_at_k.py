"""Recall at k: the `RecallAtK` metric and the `recall_at_k` function."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.metrics.recall_at_k")
@format_docstring(**_docstrings.function_paragraphs("RecallAtK"))
def recall_at_k(y_true, y_pred, k, cap_at_k=False):
    """Recall at k: the share of a row's relevant items found in its top k.

    Recall@k divides the number of relevant items in the top k by the number of
    relevant items of the row, or by `min(k, relevant)` when `cap_at_k=True` (the
    convention of Liang et al. 2018, which makes a perfect ranking score 1).

    {contract}

    Args:
        {inputs}
        cap_at_k: bool. Whether to divide by `min(k, relevant)` instead of
            the number of relevant items. Defaults to `False`.

    {returns}

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
@format_docstring(**_docstrings.metric_paragraphs("recall"))
class RecallAtK(RankingMetric):
    """Recall at k: the share of a row's relevant items found in its top k.

    Recall@k divides the number of relevant items in the top k by the number of
    relevant items of the row, or by `min(k, relevant)` when `cap_at_k=True` (the
    convention of Liang et al. 2018, which makes a perfect ranking score 1).

    {contract}

    Args:
        {k_arg}
        cap_at_k: bool. Whether to divide by `min(k, relevant)` instead of
            the number of relevant items. Defaults to `False`.
        {name_args}

    {call_inputs}

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
