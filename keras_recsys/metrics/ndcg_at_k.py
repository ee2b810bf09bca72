"""NDCG at k: the `NDCGAtK` metric and the `ndcg_at_k` function."""

from keras_recsys.metrics import _docstrings
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_one_of


@keras_recsys_export("keras_recsys.metrics.ndcg_at_k")
@format_docstring(**_docstrings.function_paragraphs("NDCGAtK"))
def ndcg_at_k(y_true, y_pred, k, gain="exponential"):
    """Normalized discounted cumulative gain at k.

    NDCG@k is DCG@k divided by the ideal DCG@k of the row. DCG sums
    `gain(label) / log2(rank + 1)` over the top k (ranks from 1), with
    `gain(rel) = 2**rel - 1` (`"exponential"`) or `rel` (`"linear"`); the ideal
    DCG is the DCG of the best ordering of the row's labels, cut at k.
    Graded labels such as play counts (200) give a finite, exact value: each
    row's gains are divided by the same power of two, which cancels in the
    ratio (docs/concepts.md, "Graded gains").

    {contract}

    Args:
        {inputs}
        gain: str. `"exponential"` (`2**rel - 1`) or `"linear"` (`rel`).
            Defaults to `"exponential"`.

    {returns}

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
@format_docstring(**_docstrings.metric_paragraphs("ndcg"))
class NDCGAtK(RankingMetric):
    """Normalized discounted cumulative gain at k.

    NDCG@k is DCG@k divided by the ideal DCG@k of the row. DCG sums
    `gain(label) / log2(rank + 1)` over the top k (ranks from 1), with
    `gain(rel) = 2**rel - 1` (`"exponential"`) or `rel` (`"linear"`); the ideal
    DCG is the DCG of the best ordering of the row's labels, cut at k.
    Graded labels such as play counts (200) give a finite, exact value: each
    row's gains are divided by the same power of two, which cancels in the
    ratio (docs/concepts.md, "Graded gains").

    {contract}

    Args:
        {k_arg}
        gain: str. `"exponential"` (`2**rel - 1`) or `"linear"` (`rel`).
            Defaults to `"exponential"`.
        {name_args}

    {call_inputs}

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
