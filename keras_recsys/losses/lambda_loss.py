"""LambdaLoss: NDCG-weighted pairwise logistic loss (Wang et al. 2018)."""

import math

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses import listwise_utils
from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of

WEIGHTINGS = ("ndcg_loss2", "ndcg_loss2pp", "lambdarank")


@keras_recsys_export("keras_recsys.losses.LambdaLoss")
@format_docstring(**_docstrings.LISTWISE)
class LambdaLoss(RankingLoss):
    """Pairwise logistic loss weighted by NDCG (the LambdaLoss framework).

    For each row, the sum over the pairs (i, j) with
    `y_true[i] > y_true[j] >= 0` of
    `w_ij * log2(1 + exp(-sigma * (s_i - s_j)))`. The weights read the current
    1-based ranks `r` of the items (ties: the lower index ranks first, as in
    the metrics) and the normalized gains `G = gain(y_true) / IDCG`, with
    `D(r) = 1 / log2(1 + r)`; they are constants for the gradient:

    - `"ndcg_loss2"`: `|G_i - G_j| * (D(|r_i - r_j|) - D(|r_i - r_j| + 1))`,
      the NDCG-Loss2 of Wang et al., a bound on NDCG's loss.
    - `"lambdarank"`: `|G_i - G_j| * |D(r_i) - D(r_j)|`, the change in NDCG
      when i and j swap (LambdaRank's weighting).
    - `"ndcg_loss2pp"`: the LambdaRank weight plus `mu` times the
      NDCG-Loss2 weight (NDCG-Loss2++, `rho_ij + mu * delta_ij`).

    Items with `y_true < 0` are excluded: they are in no pair and take no
    rank. A row with no relevant item contributes 0. Memory is
    O(batch * n * n): meant for candidate lists, not a full catalog.

    Args:
        weighting: str. One of `"ndcg_loss2"`, `"ndcg_loss2pp"`,
            `"lambdarank"`. Defaults to `"ndcg_loss2"`.
        mu: float >= 0. The NDCG-Loss2 share of `"ndcg_loss2pp"`. Defaults to
            `5.0`.
        sigma: float > 0. Scale of the score difference in the logistic.
            Defaults to `1.0`.
        gain: str. `"exponential"` (`2**y - 1`) or `"linear"` (`y`).
            Defaults to `"exponential"`.
        name: str. The loss's name. Defaults to `"lambda_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.LambdaLoss(weighting="lambdarank")
    y_true = np.array([[1.0, 0.0]])
    y_pred = np.array([[0.0, 0.0]])
    loss(y_true, y_pred)  # (1 - 1 / log2(3)) * log2(2) = 0.3691
    ```

    References:
        - Wang et al., 2018. The LambdaLoss Framework for Ranking Metric
          Optimization. CIKM.
        - Burges, 2010. From RankNet to LambdaRank to LambdaMART: An Overview.
          Microsoft Research Technical Report MSR-TR-2010-82.
    """

    def __init__(
        self,
        weighting="ndcg_loss2",
        mu=5.0,
        sigma=1.0,
        gain="exponential",
        name="lambda_loss",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        self.weighting = check_one_of("weighting", weighting, WEIGHTINGS)
        self.mu = check_float("mu", mu, min_value=0.0)
        self.sigma = check_float("sigma", sigma, min_value=0.0, exclusive_min=True)
        self.gain = listwise_utils.check_gain(gain)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def _pair_weights(self, y_true, scores, valid):
        scores = ops.stop_gradient(scores)
        g = listwise_utils.gains(y_true, self.gain)
        g = ops.divide_no_nan(g, ops.expand_dims(listwise_utils.ideal_dcg(g), 1))
        ranks = listwise_utils.ranks_with_ties(scores, valid)
        gain_gap = ops.abs(ops.expand_dims(g, 2) - ops.expand_dims(g, 1))
        r_i = ops.expand_dims(ranks, 2)
        r_j = ops.expand_dims(ranks, 1)
        discount = listwise_utils.discount
        weights = ops.zeros_like(gain_gap)
        if self.weighting in ("ndcg_loss2", "ndcg_loss2pp"):
            # Excluded items have rank 0; their pairs are masked out later,
            # the max only keeps the discount finite there.
            gap = ops.maximum(ops.abs(r_i - r_j), 1.0)
            # NDCG-Loss2++ is rho_ij + mu * delta_ij (Wang et al. 2018): mu
            # scales the NDCG-Loss2 term delta, not LambdaRank's rho.
            scale = 1.0 if self.weighting == "ndcg_loss2" else self.mu
            delta = discount(gap) - discount(gap + 1.0)
            weights = weights + scale * gain_gap * delta
        if self.weighting in ("lambdarank", "ndcg_loss2pp"):
            r_i, r_j = ops.maximum(r_i, 1.0), ops.maximum(r_j, 1.0)
            swap = ops.abs(discount(r_i) - discount(r_j))
            weights = weights + gain_gap * swap
        return weights

    def row_losses(self, y_true, y_pred):
        y_true, scores, valid = listwise_utils.list_inputs(y_true, y_pred)
        pair = ops.logical_and(
            listwise_utils.pair_valid(valid),
            ops.greater(ops.expand_dims(y_true, 2), ops.expand_dims(y_true, 1)),
        )
        weights = ops.where(
            pair,
            self._pair_weights(y_true, scores, valid),
            ops.zeros_like(pair, "float32"),
        )
        diff = ops.expand_dims(scores, 2) - ops.expand_dims(scores, 1)
        logistic = ops.softplus(-self.sigma * diff) / math.log(2.0)
        per_row = ops.sum(weights * logistic, axis=(1, 2))
        return ops.cast(per_row, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "weighting": self.weighting,
            "mu": self.mu,
            "sigma": self.sigma,
            "gain": self.gain,
        }
