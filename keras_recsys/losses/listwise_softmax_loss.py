"""Listwise softmax cross-entropy (ListNet-style) over a candidate list."""

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses import listwise_utils
from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.losses.ListwiseSoftmaxLoss")
@format_docstring(**_docstrings.LISTWISE)
class ListwiseSoftmaxLoss(RankingLoss):
    """Softmax cross-entropy between a row's gains and its scores (ListNet).

    For each row, the target distribution puts `p_j = g_j / sum(g)` on item j,
    where `g_j = gain(y_true[j])` for relevant items and 0 otherwise; the loss
    is `-sum_j p_j * log_softmax(y_pred)[j]`, the cross-entropy of ListNet's
    top-one probabilities with a normalized-gain target. Items with
    `y_true < 0` (padding of a short list) take no part in the softmax. A row
    with no relevant item contributes 0. Computed with `log_softmax` in
    float32; no `(n, n)` tensor is built.

    Args:
        gain: str. `"linear"` (`g = y_true`) or `"exponential"`
            (`g = 2**y_true - 1`). Defaults to `"linear"`.
        name: str. The loss's name. Defaults to `"listwise_softmax_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.ListwiseSoftmaxLoss()
    y_true = np.array([[2.0, 0.0, -1.0]])
    y_pred = np.array([[0.0, 0.0, 5.0]])
    loss(y_true, y_pred)  # log(2) = 0.6931: the -1 item is left out
    ```

    References:
        - Cao et al., 2007. Learning to Rank: From Pairwise Approach to Listwise
          Approach. ICML.
        - Bruch et al., 2019. An Analysis of the Softmax Cross Entropy Loss for
          Learning-to-Rank with Binary Relevance. ICTIR.
    """

    def __init__(
        self,
        gain="linear",
        name="listwise_softmax_loss",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        self.gain = listwise_utils.check_gain(gain)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def row_losses(self, y_true, y_pred):
        y_true, scores, valid = listwise_utils.list_inputs(y_true, y_pred)
        g = listwise_utils.gains(y_true, self.gain)
        target = ops.divide_no_nan(g, ops.sum(g, axis=1, keepdims=True))
        # A finite fill (not -inf) keeps 0 * fill and its gradient finite.
        scores = ops.where(valid, scores, ops.full_like(scores, -1e9))
        log_probs = scores - ops.logsumexp(scores, axis=1, keepdims=True)
        per_row = -ops.sum(target * log_probs, axis=1)
        return ops.cast(per_row, self.dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
