"""Sampled softmax with many negatives per position (logQ-corrected)."""

import numpy as np
from keras import ops

from keras_recsys.losses import _docstrings
from keras_recsys.losses.sampled_next_item_loss import SampledNextItemLoss
from keras_recsys.losses.sampled_next_item_loss import popularity_cdf
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of


@keras_recsys_export("keras_recsys.losses.SampledSoftmaxLoss")
@format_docstring(**_docstrings.SAMPLED_NEXT_ITEM)
class SampledSoftmaxLoss(SampledNextItemLoss):
    """Next-item cross-entropy over the target and sampled negatives.

    For each position with a target `i` (code > 0) and the `num_negatives`
    codes `j` drawn for the batch, the loss is the cross-entropy of the
    target among `[s_i - log q_i, s_j - log q_j, ...]`, where `s` are the
    scores of the position's vector against the tied item table and `q` the
    sampling probabilities (the logQ correction; with uniform sampling it
    cancels). A negative equal to the target is left out; positions with
    target 0 carry no loss; the result is the mean over the batch's
    targets. Never builds `(batch, steps, num_items)`: memory is
    `batch * steps * num_negatives`, so it trains catalogs of millions of
    items.

    Use it with a sequence builder built with `training_output="states"`
    and `loss=SampledSoftmaxLoss(model.get_layer("item_embedding"), ...)`.
    In `evaluate` (last-position logits, targets `(batch,)`) the same
    criterion reads the negatives' columns of the logits. The table
    reference is not part of the config: a revived loss (for instance
    after `keras.saving.load_model`) must be given it again
    (`loss.item_embedding = model.get_layer("item_embedding")`) or the
    model recompiled.

    Args:
        item_embedding: the model's `keras_recsys.layers.TiedItemEmbedding`
            (its table scores, its `seed_generator` draws the negatives).
        num_negatives: int. Negatives drawn per batch, shared by every
            position. Defaults to `256`.
        sampling: str. `"uniform"` over codes `1..num_items - 1`, or
            `"popularity"`: proportional to `item_frequencies ** power`,
            with the logQ correction. Defaults to `"uniform"`.
        item_frequencies: array `(num_items,)` of counts per code (code 0
            ignored; count the training targets), for
            `sampling="popularity"`. Defaults to `None`.
        power: float. Exponent of the popularity distribution. Defaults to
            `1.0`.
        name: str. Defaults to `"sampled_softmax_loss"`.
        {loss_args}

    {call_inputs}

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_sasrec(
        num_items=1000, max_len=5, embedding_dim=8, num_blocks=1,
        training_output="states", seed=1,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.SampledSoftmaxLoss(
            model.get_layer("item_embedding"), num_negatives=50
        ),
    )
    sequences = np.array([[0, 0, 3, 5, 7], [0, 2, 4, 6, 8]])
    next_items = np.array([[0, 0, 5, 7, 9], [0, 4, 6, 8, 10]])
    model.fit(sequences, next_items, verbose=0)
    logits = model.predict(sequences, verbose=0)  # (2, 1000)
    ```

    References:
        - Jean et al. [On Using Very Large Target Vocabulary for Neural
          Machine Translation](https://arxiv.org/abs/1412.2007). ACL 2015.
        - Yi et al. Sampling-Bias-Corrected Neural Modeling for Large Corpus
          Item Recommendations. RecSys 2019 (logQ correction).
        - Klenitskiy & Vasilev. [Turning Dross Into Gold Loss: is BERT4Rec
          really better than SASRec?](https://arxiv.org/abs/2309.07602).
          RecSys 2023.
    """

    def __init__(
        self,
        item_embedding=None,
        num_negatives=256,
        sampling="uniform",
        item_frequencies=None,
        power=1.0,
        name="sampled_softmax_loss",
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
        self.sampling = check_one_of("sampling", sampling, ("uniform", "popularity"))
        self.power = check_float("power", power, min_value=0.0)
        self.item_frequencies = None
        self._cdf = self._log_probabilities = None
        if sampling == "popularity":
            if item_frequencies is None:
                raise ValueError(
                    "`item_frequencies` is required with sampling='popularity'. "
                    "Received: item_frequencies=None"
                )
            probabilities, self._cdf = popularity_cdf(item_frequencies, self.power)
            self.item_frequencies = np.asarray(item_frequencies).tolist()
            self._log_probabilities = np.log(np.maximum(probabilities, 1e-30))
        elif item_frequencies is not None:
            raise ValueError(
                "`item_frequencies` is only used with sampling='popularity'. "
                f"Received: sampling={sampling!r}"
            )

    def sampling_cdf(self):
        return None if self._cdf is None else self._cdf.astype("float32")

    def log_q(self, ids):
        if self._log_probabilities is None:
            return None
        table = ops.convert_to_tensor(self._log_probabilities.astype("float32"))
        size = self._log_probabilities.shape[0]
        return ops.take(table, ops.clip(ids, 0, size - 1), axis=0)

    def position_losses(self, positive, negative, log_q_pos, log_q_neg):
        if log_q_pos is not None:
            positive = positive - log_q_pos
            negative = negative - log_q_neg
        logits = ops.concatenate([ops.expand_dims(positive, -1), negative], axis=-1)
        return ops.logsumexp(logits, axis=-1) - positive

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "sampling": self.sampling,
                "item_frequencies": self.item_frequencies,
                "power": self.power,
            }
        )
        return config
