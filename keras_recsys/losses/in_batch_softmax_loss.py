import keras
from keras import ops

from keras_recsys.losses.ranking_loss import CheckedLoss
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_float

_MASK_VALUE = -1e9


@keras_recsys_export("keras_recsys.losses.InBatchSoftmaxLoss")
class InBatchSoftmaxLoss(CheckedLoss):
    """Sampled softmax over in-batch negatives, for two-tower retrieval.

    `y_pred[i, j]` is the similarity of query `i` and candidate `j` of the
    batch (from `keras_recsys.layers.InBatchSimilarity`); candidate `i` is
    query `i`'s positive and the other candidates of the batch are its
    negatives. Per query the loss is the softmax cross-entropy of the
    diagonal entry over its row of logits, where

    - `logits = y_pred / temperature`;
    - with `logq_correction=True`, `log(p_j)` is subtracted from column `j`,
      `p_j` being the probability that candidate `j` is drawn into a batch
      (for instance its share of the training interactions); this corrects
      the bias of in-batch sampling towards popular items (Yi et al. 2019);
    - with `remove_accidental_hits=True`, entries `[i, j]` (`j != i`) whose
      candidate id equals candidate `i`'s id are masked out: the same item
      twice in a batch is not a negative of itself.

    `y_true` carries what the loss needs per row, so an ordinary
    `compile`/`fit` works (pass it as `y`):

    - shape `(batch,)` or `(batch, 1)`: the candidate ids (ignored unless
      `remove_accidental_hits`);
    - shape `(batch, 2)`: column 0 the candidate ids, column 1 the sampling
      probabilities `p` (needed for `logq_correction`).

    Losses cast `y_true` to float32, so ids are exact up to 2**24.

    Negatives under data parallelism: on JAX, `keras.distribution` trains
    one program over the global batch, so the negatives are the whole global
    batch's. Under `tf.distribute` (MirroredStrategy,
    MultiWorkerMirroredStrategy) each replica computes its loss on its part
    of the batch: the negatives are per replica (`global_batch / replicas`
    of them), unless the model scores with
    `keras_recsys.layers.InBatchSimilarity(cross_replica=True)` and the loss
    has `cross_replica=True`: `y_pred` is then `(local_batch,
    global_batch)`, the loss gathers the candidates' `y_true` from every
    replica, and query `i` of replica `r` has its positive at column
    `offset_r + i`. That gives the loss and gradients of one device training
    on the global batch, so a larger global batch brings more negatives.

    Args:
        temperature: float > 0. Divides the similarities. Defaults to `1.0`.
        remove_accidental_hits: bool. Whether to mask duplicate candidates.
            Defaults to `True`.
        logq_correction: bool. Whether to subtract `log(p_j)`. Defaults to
            `False`.
        reduction: the reduction of per-query losses. Defaults to
            `"sum_over_batch_size"`.
        name: optional name. Defaults to `"in_batch_softmax_loss"`.
        dtype: optional dtype of the computation. Defaults to float32.
        cross_replica: bool. Whether `y_pred` scores each replica's queries
            against the candidates of every replica (see above). Defaults to
            `False`.

    Call arguments:
        y_true: `(batch,)`, `(batch, 1)` or `(batch, 2)` as above.
        y_pred: `(batch, batch)` similarities (`(local_batch,
            global_batch)` with `cross_replica=True`).
        sample_weight: optional `(batch,)` weights per query.

    Returns:
        The reduced loss (per-query losses with `reduction="none"`).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    similarities = np.random.rand(4, 4).astype("float32")
    ids = np.array([3, 7, 3, 1])
    probs = np.array([0.2, 0.1, 0.2, 0.05])
    loss = keras_recsys.losses.InBatchSoftmaxLoss(
        temperature=0.1, logq_correction=True
    )
    value = loss(np.stack([ids, probs], axis=1), similarities)
    ```

    References:
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019.
    """

    def __init__(
        self,
        temperature=1.0,
        remove_accidental_hits=True,
        logq_correction=False,
        reduction="sum_over_batch_size",
        name="in_batch_softmax_loss",
        dtype=None,
        cross_replica=False,
    ):
        temperature = check_float(
            "temperature", temperature, min_value=0.0, exclusive_min=True
        )
        for arg, value in (
            ("remove_accidental_hits", remove_accidental_hits),
            ("logq_correction", logq_correction),
            ("cross_replica", cross_replica),
        ):
            check_bool(arg, value)
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.temperature = temperature
        self.remove_accidental_hits = remove_accidental_hits
        self.logq_correction = logq_correction
        self.cross_replica = cross_replica

    def call(self, y_true, y_pred):
        if len(y_pred.shape) != 2:
            raise ValueError(
                "`y_pred` must be a (batch, batch) similarity matrix. "
                f"Received shape {tuple(y_pred.shape)}"
            )
        rows, cols = y_pred.shape
        if (
            not self.cross_replica
            and rows is not None
            and cols is not None
            and rows != cols
        ):
            raise ValueError(
                "`y_pred` must be square (batch, batch): row i scores query i "
                f"against the batch's candidates. Received shape {tuple(y_pred.shape)}"
            )
        if len(y_true.shape) == 1:
            y_true = ops.expand_dims(y_true, -1)
        if len(y_true.shape) != 2 or y_true.shape[-1] not in (1, 2, None):
            raise ValueError(
                "`y_true` must have shape (batch,), (batch, 1) (candidate ids) "
                "or (batch, 2) (ids, sampling probabilities). "
                f"Received shape {tuple(y_true.shape)}"
            )
        if self.logq_correction and y_true.shape[-1] != 2:
            raise ValueError(
                "`logq_correction=True` needs `y_true` of shape (batch, 2) whose "
                "column 1 holds the candidates' sampling probabilities. "
                f"Received shape {tuple(y_true.shape)}"
            )
        # Column j of y_pred is candidate j of `columns`; query i's positive
        # is column offset + i (offset 0 unless gathered across replicas).
        columns, offset = y_true, 0
        if self.cross_replica:
            columns, offset = backend_utils.gather_replica_rows(y_true)
        logits = y_pred / self.temperature
        if self.logq_correction:
            probs = columns[:, 1]
            logits = logits - ops.expand_dims(ops.log(ops.maximum(probs, 1e-30)), 0)
        row_ids = ops.arange(ops.shape(logits)[0]) + offset
        col_ids = ops.arange(ops.shape(logits)[1])
        positive = ops.equal(ops.expand_dims(row_ids, 1), ops.expand_dims(col_ids, 0))
        if self.remove_accidental_hits:
            ids = y_true[:, 0]
            same = ops.equal(ops.expand_dims(ids, 1), ops.expand_dims(columns[:, 0], 0))
            hits = ops.logical_and(same, ops.logical_not(positive))
            logits = ops.where(hits, ops.cast(_MASK_VALUE, logits.dtype), logits)
        log_probs = keras.ops.log_softmax(logits, axis=-1)
        return -ops.sum(ops.where(positive, log_probs, 0.0), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "temperature": self.temperature,
                "remove_accidental_hits": self.remove_accidental_hits,
                "logq_correction": self.logq_correction,
                "cross_replica": self.cross_replica,
            }
        )
        return config
