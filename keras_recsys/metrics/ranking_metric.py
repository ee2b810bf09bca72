"""The shared base of the streaming ranking metrics (not public)."""

import keras

from keras_recsys.metrics import ranking_utils


class RankingMetric(keras.metrics.Mean):
    """A streaming mean of a per-row ranking metric at a cut-off `k`.

    Subclasses name their per-row function of `ranking_utils` in `row_fn`
    (and its extra arguments in `row_kwargs()`); `row_values` returns per-row
    values and per-row weights (0 for rows with no relevant item), and this
    class checks the sample weights, multiplies them in and streams the
    weighted mean, so results over several batches equal the result over all
    rows at once. The input contract is documented in
    `keras_recsys.metrics.ranking_utils` and in docs/concepts.md.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        name: str. The metric's name. Defaults to the subclass's
            `"<metric>_at_<k>"`.
        dtype: the metric's dtype. Defaults to `None` (float32).
    """

    base_name = None
    row_fn = None  # a per-row function of `ranking_utils`, as a staticmethod

    def __init__(self, k, name=None, dtype=None):
        self.k = ranking_utils.check_k(k)
        super().__init__(name=name or f"{self.base_name}_at_{self.k}", dtype=dtype)

    def row_kwargs(self):
        """Extra keyword arguments of `row_fn`."""
        return {}

    def row_values(self, y_true, y_pred):
        """Returns `(values, weights)`, each `(batch,)`."""
        return ranking_utils.row_values(
            self.row_fn, y_true, y_pred, self.k, **self.row_kwargs()
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        values, weights = self.row_values(y_true, y_pred)
        sample_weight = ranking_utils.check_sample_weight(sample_weight)
        if sample_weight is not None:
            weights = weights * sample_weight
        return super().update_state(values, sample_weight=weights)

    def get_config(self):
        return {**super().get_config(), "k": self.k}
