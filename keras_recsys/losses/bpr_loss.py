"""Bayesian personalized ranking loss."""

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses.pairwise_utils import pairwise_loss
from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


def _bpr(diff):
    return ops.softplus(-diff)


def _bpr_grad(diff):
    return -ops.sigmoid(-diff)


@keras_recsys_export("keras_recsys.losses.BPRLoss")
@format_docstring(**_docstrings.PAIRWISE)
class BPRLoss(RankingLoss):
    """Bayesian personalized ranking (BPR) loss over the pairs of each row.

    For each row, the mean over the pairs (i, j) with
    `y_true[i] > y_true[j] >= 0` of `softplus(-(s_i - s_j))`, that is
    `-log(sigmoid(s_i - s_j))` in a form that stays finite for large scores.
    Items with `y_true < 0` are excluded from every pair. A row with no valid
    pair (no relevant item, or nothing ranked below its relevant items)
    contributes 0. With one positive and N sampled negatives per row, the
    layout is `y_true = [1, 0, ..., 0]`, `y_pred = [s_pos, s_neg1, ...]`.

    Memory stays O(batch * n) when rows have few positives: pairs are built
    from the relevant items only, never as a `(batch, n, n)` tensor.

    Args:
        name: str. The loss's name. Defaults to `"bpr_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.BPRLoss()
    y_true = np.array([[1.0, 0.0, 0.0]])
    y_pred = np.array([[2.0, 1.0, -1.0]])
    loss(y_true, y_pred)  # mean(softplus(-1), softplus(-3)) = 0.1809
    ```

    References:
        - Rendle et al., 2009. BPR: Bayesian Personalized Ranking from Implicit
          Feedback. UAI.
    """

    def __init__(self, name="bpr_loss", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def row_losses(self, y_true, y_pred):
        return pairwise_loss(y_true, y_pred, _bpr, _bpr_grad)
