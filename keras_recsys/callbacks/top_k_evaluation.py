import numbers

import keras
import numpy as np

from keras_recsys.evaluation.evaluate_topk import evaluate_topk
from keras_recsys.ranking import contract
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int


def _as_array(value):
    # Lists from a JSON config come back as arrays; CSR matrices, dicts and
    # ragged lists of arrays pass through unchanged.
    if isinstance(value, (list, tuple)) and value and np.ndim(value[0]) == 0:
        return np.asarray(value)
    return value


def _to_config(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _to_config(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_config(v) for v in value]
    return value


@keras_recsys_export("keras_recsys.callbacks.TopKEvaluation")
class TopKEvaluation(keras.callbacks.Callback):
    """Ranks the catalog for validation users every few epochs of `fit`.

    At the end of every `every`-th epoch it runs
    `keras_recsys.evaluation.evaluate_topk` on `validation_data` with the
    model being trained (or `scorer`) and writes each figure into the epoch
    logs as `"val_<metric>@<k>"` (e.g. `"val_ndcg@10"`, the name
    `model.evaluate` gives a validation `keras_recsys.metrics.NDCGAtK(10)`).
    So `keras.callbacks.EarlyStopping(monitor="val_ndcg@10", mode="max",
    restore_best_weights=True)`, `ModelCheckpoint` and `CSVLogger` work
    unchanged, the figures appear in `history.history` and in the progress
    bar. Place it BEFORE the callbacks that read its figures in `callbacks=`:
    Keras calls callbacks in list order.

    Users whose query is unknown (`unknown_id`) and target items the scores
    do not cover are left out and counted (`"val_num_unknown_users"`,
    `"val_num_unknown_targets"` in the logs when non-zero), never scored.

    Args:
        validation_data: tuple `(queries, targets)`, as `evaluate_topk` takes
            them: the scorer's input for each validation user, and per user
            the held-out item columns (a list of int arrays, a CSR matrix or
            one id per user).
        metrics: names of ranking metrics (`"ndcg"`, `"recall"`, ...; see
            `evaluate_topk`). Defaults to `("ndcg", "recall")`.
        k: int or tuple of int. The cut-offs. Defaults to `10`.
        exclude: optional per-user item columns not ranked (the items seen in
            training), as in `evaluate_topk`. Defaults to `None`.
        every: int. Evaluate after every `every`-th epoch (and not after the
            others, whose logs then lack the figures). Defaults to `1`.
        scorer: optional `keras.Model` or callable giving `(batch, num_items)`
            scores for a batch of queries, when the trained model does not
            (for instance a model sharing its layers). Not serialized.
            Defaults to `None`: the model being trained.
        num_items: optional int. The catalog size (see `evaluate_topk`).
        batch_size: int. Users per scoring batch. Defaults to `256`.
        cap_at_k: bool. Recall divided by `min(k, relevant)`. Defaults to
            `False`.
        gain: str. NDCG gain, `"exponential"` or `"linear"`. Defaults to
            `"exponential"`.
        unknown_id: optional int. The id of unknown users and items (see
            `evaluate_topk`). Defaults to `None`.
        verbose: `"auto"`, 0 or 1. A progress bar while ranking. Defaults to
            `"auto"`: shown when `fit` shows one.

    Attributes:
        results: list of `(epoch, dict)`, the figures of every evaluation.

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    rng = np.random.default_rng(0)
    sequences = rng.integers(1, 21, size=(64, 5))
    model = keras_recsys.models.build_gru4rec(num_items=21, max_len=4, embedding_dim=8)
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    top_k = keras_recsys.callbacks.TopKEvaluation(
        (sequences[:16, 1:], sequences[:16, -1]), metrics=("ndcg",), k=10
    )
    stop = keras.callbacks.EarlyStopping(
        monitor="val_ndcg@10", mode="max", patience=2, restore_best_weights=True
    )
    history = model.fit(
        sequences[:, :-1], sequences[:, -1], epochs=3, callbacks=[top_k, stop],
        verbose=0,
    )
    history.history["val_ndcg@10"]  # three values
    ```

    References:
        - Zhao et al., 2021. RecBole: Towards a Unified, Comprehensive and
          Efficient Framework for Recommendation Algorithms. CIKM.
          (early stopping on a full-ranking validation metric).
    """

    def __init__(
        self,
        validation_data,
        metrics=("ndcg", "recall"),
        k=10,
        exclude=None,
        every=1,
        scorer=None,
        num_items=None,
        batch_size=256,
        cap_at_k=False,
        gain="exponential",
        unknown_id=None,
        verbose="auto",
    ):
        super().__init__()
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                "`validation_data` must be a tuple (queries, targets). Received: "
                f"validation_data of type {type(validation_data).__name__}"
            )
        queries, targets = validation_data
        if isinstance(queries, dict):
            queries = {name: _as_array(v) for name, v in queries.items()}
        self.validation_data = (_as_array(queries), _as_array(targets))
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        if not metrics:
            raise ValueError("`metrics` must name at least one metric.")
        for name in metrics:
            check_one_of("metrics", name, tuple(row_functions.ROW_FUNCTIONS))
        self.metrics = metrics
        ks = (k,) if isinstance(k, numbers.Integral) else tuple(k)
        if not ks:
            raise ValueError("`k` must hold at least one cut-off.")
        self.k = tuple(contract.check_k(value) for value in ks)
        self.exclude = exclude
        self.every = check_positive_int("every", every)
        self.scorer = scorer
        self.num_items = (
            None if num_items is None else check_positive_int("num_items", num_items)
        )
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.cap_at_k = bool(cap_at_k)
        self.gain = check_one_of("gain", gain, ("exponential", "linear"))
        self.unknown_id = unknown_id
        if verbose not in ("auto", 0, 1):
            raise ValueError(
                f"`verbose` must be 'auto', 0 or 1. Received: verbose={verbose!r}"
            )
        self.verbose = verbose
        self.results = []

    def evaluate(self):
        """Runs `evaluate_topk` with the current weights; returns its dict."""
        verbose = self.verbose
        if verbose == "auto":
            verbose = 1 if (self.params or {}).get("verbose", 0) == 1 else 0
        queries, targets = self.validation_data
        return evaluate_topk(
            self.scorer if self.scorer is not None else self.model,
            queries,
            targets,
            exclude=self.exclude,
            num_items=self.num_items,
            metrics=self.metrics,
            ks=self.k,
            batch_size=self.batch_size,
            cap_at_k=self.cap_at_k,
            gain=self.gain,
            unknown_id=self.unknown_id,
            verbose=verbose,
        )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        results = self.evaluate()
        self.results.append((epoch, results))
        if logs is not None:
            for name, value in results.items():
                if name != "num_users":
                    logs[f"val_{name}"] = value

    def get_config(self):
        return {
            "validation_data": _to_config(list(self.validation_data)),
            "metrics": list(self.metrics),
            "k": list(self.k),
            "exclude": _to_config(self.exclude),
            "every": self.every,
            "num_items": self.num_items,
            "batch_size": self.batch_size,
            "cap_at_k": self.cap_at_k,
            "gain": self.gain,
            "unknown_id": self.unknown_id,
            "verbose": self.verbose,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
