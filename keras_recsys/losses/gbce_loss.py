"""Generalised binary cross-entropy (gBCE) of gSASRec."""

from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses.sampled_next_item_loss import SampledNextItemLoss
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float


@keras_recsys_export("keras_recsys.losses.GBCELoss")
@format_docstring(**_docstrings.SAMPLED_NEXT_ITEM)
class GBCELoss(SampledNextItemLoss):
    """gBCE: binary cross-entropy with a calibrated positive term (gSASRec).

    For each position with a target `i` (code > 0) and `k = num_negatives`
    codes `j` drawn uniformly for the batch (a negative equal to the target
    is left out), the loss is

    `-beta * log(sigmoid(s_i)) - sum_j log(1 - sigmoid(s_j))`

    (as `beta * softplus(-s_i) + sum_j softplus(s_j)`), with
    `alpha = k / (num_items - 2)` the sampling rate among the other items
    and `beta = alpha * (t * (1 - 1/alpha) + 1/alpha)`: `t = 0` is plain
    binary cross-entropy, `t = 1` fully corrects the overconfidence that
    negative sampling induces. Positions with target 0 carry no loss; the
    result is the mean over the batch's targets. Memory is
    `batch * steps * num_negatives`, never `batch * steps * num_items`.

    Use it like `keras_recsys.losses.SampledSoftmaxLoss`: a builder with
    `training_output="states"`, `GBCELoss(model.get_layer("item_embedding"))`.
    The table reference is not part of the config (set it again on a
    revived loss).

    Args:
        item_embedding: the model's `keras_recsys.layers.TiedItemEmbedding`.
        num_negatives: int. Negatives drawn per batch. Defaults to `256`.
        t: float in `[0, 1]`. Calibration of the positive term. Defaults to
            `0.75` (the paper's recommended value).
        name: str. Defaults to `"gbce_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_gru4rec(
        num_items=500, max_len=5, embedding_dim=8, training_output="states"
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.GBCELoss(
            model.get_layer("item_embedding"), num_negatives=32, t=0.75
        ),
    )
    sequences = np.array([[0, 0, 3, 5, 7], [0, 2, 4, 6, 8]])
    next_items = np.array([[0, 0, 5, 7, 9], [0, 4, 6, 8, 10]])
    model.fit(sequences, next_items, verbose=0)
    ```

    References:
        - Petrov & Macdonald. [gSASRec: Reducing Overconfidence in Sequential
          Recommendation Trained with Negative Sampling](
          https://arxiv.org/abs/2308.07192). RecSys 2023.
    """

    def __init__(
        self,
        item_embedding=None,
        num_negatives=256,
        t=0.75,
        name="gbce_loss",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        super().__init__(
            item_embedding,
            num_negatives,
            name=name,
            reduction=reduction,
            dtype=dtype,
        )
        self.t = check_float("t", t, min_value=0.0, max_value=1.0)

    def beta(self, num_items):
        """The calibrated exponent of the positive term for a catalog."""
        alpha = min(1.0, self.num_negatives / max(num_items - 2, 1))
        return alpha * (self.t * (1.0 - 1.0 / alpha) + 1.0 / alpha)

    def position_losses(self, positive, negative, log_q_pos, log_q_neg):
        beta = self.beta(self.item_embedding.input_dim)
        return beta * ops.softplus(-positive) + ops.sum(ops.softplus(negative), -1)

    def get_config(self):
        config = super().get_config()
        config["t"] = self.t
        return config
