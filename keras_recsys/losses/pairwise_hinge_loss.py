"""Pairwise hinge (margin ranking) loss."""

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses.pairwise_utils import pairwise_loss
from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float


@keras_recsys_export("keras_recsys.losses.PairwiseHingeLoss")
@format_docstring(**_docstrings.PAIRWISE)
class PairwiseHingeLoss(RankingLoss):
    """Pairwise hinge loss: a margin between each relevant item and the rest.

    For each row, the mean over the pairs (i, j) with
    `y_true[i] > y_true[j] >= 0` of `relu(margin - (s_i - s_j))`. Items with
    `y_true < 0` are excluded from every pair. A row with no valid pair
    contributes 0. Memory stays O(batch * n) when rows have few positives
    (pairs are built from the relevant items only).

    Args:
        margin: float. The margin by which a relevant item should outscore a
            less relevant one. Defaults to `1.0`.
        name: str. The loss's name. Defaults to `"pairwise_hinge_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.PairwiseHingeLoss(margin=1.0)
    y_true = np.array([[1.0, 0.0, 0.0]])
    y_pred = np.array([[0.5, 1.0, -1.0]])
    loss(y_true, y_pred)  # mean(relu(1 + 0.5), relu(1 - 1.5)) = 0.75
    ```

    References:
        - Herbrich et al., 2000. Large Margin Rank Boundaries for Ordinal
          Regression. Advances in Large Margin Classifiers.
    """

    def __init__(
        self,
        margin=1.0,
        name="pairwise_hinge_loss",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        self.margin = check_float("margin", margin)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def row_losses(self, y_true, y_pred):
        margin = self.margin

        def hinge(diff):
            return ops.relu(margin - diff)

        def hinge_grad(diff):
            return -ops.cast(ops.less(diff, margin), "float32")

        return pairwise_loss(y_true, y_pred, hinge, hinge_grad)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}
