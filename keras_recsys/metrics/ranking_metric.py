"""The shared base of the streaming ranking metrics (not public)."""

import keras

from keras_recsys.ranking import contract
from keras_recsys.ranking import row_functions


class RankingMetric(keras.metrics.Mean):
    """A streaming mean of a per-row ranking metric at a cut-off `k`.

    Subclasses name their registered per-row function in `row_function` (see
    `keras_recsys.ranking.row_functions`) and its options in `row_kwargs()`;
    `row_values` returns per-row values and per-row weights (0 for rows with
    no relevant item), and this class checks the sample weights, multiplies
    them in and streams the weighted mean, so results over several batches
    equal the result over all rows at once. `y_true` is a dense label row
    `(batch, n)` or sparse item ids (`(batch,)` or `(batch, m)`); the input
    contract is documented in `keras_recsys.ranking.contract` and in
    docs/concepts.md.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        name: str. The metric's name. Defaults to `"<row_function>@<k>"`
            (the name `evaluate_topk` gives the same figure).
        dtype: the metric's dtype. Defaults to `None` (float32).
    """

    row_function = None  # the name of a registered per-row function

    def __init__(self, k, name=None, dtype=None):
        self.k = contract.check_k(k)
        super().__init__(
            name=name or row_functions.metric_name(self.row_function, self.k),
            dtype=dtype,
        )

    def row_kwargs(self):
        """Options of the per-row function."""
        return {}

    def row_values(self, y_true, y_pred):
        """Returns `(values, weights)`, each `(batch,)`."""
        return row_functions.row_values(
            self.row_function, y_true, y_pred, self.k, **self.row_kwargs()
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        values, weights = self.row_values(y_true, y_pred)
        sample_weight = contract.check_sample_weight(sample_weight)
        if sample_weight is not None:
            weights = weights * sample_weight
        return super().update_state(values, sample_weight=weights)

    def get_config(self):
        return {**super().get_config(), "k": self.k}
