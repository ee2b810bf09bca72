"""The multinomial log-likelihood loss of Mult-VAE."""

from keras import ops

from keras_recsys.losses.ranking_loss import RankingLoss
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.losses.MultinomialLogLikelihood")
class MultinomialLogLikelihood(RankingLoss):
    """Negative multinomial log-likelihood of a row's items under a softmax.

    For each row, `-sum_j y_true[j] * log_softmax(y_pred)[j]`, the likelihood
    term of Mult-VAE and Mult-DAE. `y_pred` are logits over the items;
    `y_true` are counts or 0/1 interactions. Items with `y_true < 0` are
    excluded: they take no part in the softmax and contribute nothing. A row
    with no positive label contributes 0. The softmax is computed as
    `log_softmax` in float32, finite for logits of +-1e4.

    Args:
        name: str. The loss's name. Defaults to
            `"multinomial_log_likelihood"`.
        reduction: str. Keras reduction of the per-row losses. Defaults to
            `"sum_over_batch_size"`.
        dtype: the dtype of the loss's computations. Defaults to `None`
            (float32).

    Call inputs:
        y_true: tensor `(batch, n)`. Counts or 0/1 labels (< 0 excluded).
        y_pred: tensor `(batch, n)`. Logits.
        sample_weight: optional scalar or `(batch,)` row weights.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    loss = keras_recsys.losses.MultinomialLogLikelihood()
    y_true = np.array([[1.0, 0.0, 1.0]])
    y_pred = np.array([[0.0, 0.0, 0.0]])
    loss(y_true, y_pred)  # 2 * log(3) = 2.1972
    ```

    References:
        - Liang et al., 2018. Variational Autoencoders for Collaborative
          Filtering. WWW.
    """

    def __init__(
        self,
        name="multinomial_log_likelihood",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def row_losses(self, y_true, y_pred):
        logits = ops.cast(y_pred, "float32")
        valid = ops.greater_equal(y_true, 0.0)
        # A finite fill (not -inf) keeps 0 * fill and its gradient finite.
        logits = ops.where(valid, logits, ops.full_like(logits, -1e9))
        log_probs = logits - ops.logsumexp(logits, axis=1, keepdims=True)
        weights = ops.where(valid, y_true, ops.zeros_like(y_true))
        return -ops.sum(weights * log_probs, axis=1)
