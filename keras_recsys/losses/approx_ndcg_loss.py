"""ApproxNDCG: NDCG with ranks smoothed by a sigmoid (Qin et al. 2010)."""

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses import listwise_utils
from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float


@keras_recsys_export("keras_recsys.losses.ApproxNDCGLoss")
@format_docstring(**_docstrings.LISTWISE)
class ApproxNDCGLoss(RankingLoss):
    """One minus a smooth NDCG of each row, with sigmoid-approximated ranks.

    The rank of item i is approximated as
    `r_i = 1 + sum_{j != i} sigmoid((s_j - s_i) / temperature)` over the items
    that take part in the ranking, and the row's loss is
    `1 - sum_i g_i / log2(1 + r_i) / IDCG`, where `g_i = gain(y_true[i])` for
    relevant items (0 otherwise) and IDCG is the DCG of the gains in their
    best order (the whole list, no cut-off). As `temperature` goes to 0 the
    approximation tends to the exact NDCG. Items with `y_true < 0` are
    excluded: they neither have a rank nor push another item down. A row with
    no relevant item contributes 0. Memory is O(batch * n * n): meant for
    candidate lists, not a full catalog.

    Args:
        temperature: float > 0. Smoothness of the rank approximation; smaller
            is closer to the exact ranks, with steeper gradients. Defaults to
            `0.1`.
        gain: str. `"exponential"` (`2**y - 1`) or `"linear"` (`y`), as in
            `keras_recsys.metrics.NDCGAtK`. Defaults to `"exponential"`.
        name: str. The loss's name. Defaults to `"approx_ndcg_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.ApproxNDCGLoss(temperature=1.0)
    y_true = np.array([[1.0, 0.0]])
    y_pred = np.array([[0.0, 0.0]])
    loss(y_true, y_pred)  # 1 - 1 / log2(2.5) = 0.2435
    ```

    References:
        - Qin, Liu and Li, 2010. A General Approximation Framework for Direct
          Optimization of Information Retrieval Measures. Information
          Retrieval 13(4).
        - Bruch et al., 2019. Revisiting Approximate Metric Optimization in the
          Age of Deep Neural Networks. SIGIR.
    """

    def __init__(
        self,
        temperature=0.1,
        gain="exponential",
        name="approx_ndcg_loss",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        self.temperature = check_float(
            "temperature", temperature, min_value=0.0, exclusive_min=True
        )
        self.gain = listwise_utils.check_gain(gain)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def row_losses(self, y_true, y_pred):
        y_true, scores, valid = listwise_utils.list_inputs(y_true, y_pred)
        g = listwise_utils.gains(y_true, self.gain)
        diff = (ops.expand_dims(scores, 1) - ops.expand_dims(scores, 2)) / (
            self.temperature
        )
        # [b, i, j] = sigmoid((s_j - s_i) / T): how far j pushes i down.
        pushed = ops.sigmoid(diff)
        others = listwise_utils.pair_valid(valid)
        n = ops.shape(scores)[1]
        others = ops.logical_and(others, ops.logical_not(ops.eye(n, dtype="bool")))
        ranks = 1.0 + ops.sum(ops.where(others, pushed, ops.zeros_like(pushed)), 2)
        dcg = ops.sum(g * listwise_utils.discount(ranks), axis=1)
        ideal = listwise_utils.ideal_dcg(g)
        has_relevant = ops.greater(ideal, 0.0)
        per_row = ops.where(
            has_relevant, 1.0 - ops.divide_no_nan(dcg, ideal), ops.zeros_like(dcg)
        )
        return ops.cast(per_row, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "temperature": self.temperature,
            "gain": self.gain,
        }
