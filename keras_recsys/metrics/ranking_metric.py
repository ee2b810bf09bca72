"""The shared base of the streaming ranking metrics (not public)."""

import inspect

import keras

from keras_recsys.metrics import _docstrings
from keras_recsys.ranking import contract
from keras_recsys.ranking import row_functions
from keras_recsys.utils.api_export import keras_recsys_export


class RankingMetric(keras.metrics.Mean):
    """A streaming mean of a per-row ranking metric at a cut-off `k`.

    Subclasses name their registered per-row function in `row_function` (see
    `keras_recsys.ranking.row_functions`); one with options (NDCG's `gain`)
    checks them in the static method `check_options`, whose keyword
    arguments and defaults are the options, and passes them to
    `super().__init__` as keywords. `row_values` returns per-row values and
    per-row weights (0 for rows with no relevant item), and this class checks
    the sample weights, multiplies them in and streams the weighted mean, so
    results over several batches equal the result over all rows at once.
    `y_true` is a dense label row `(batch, n)` or sparse item ids (`(batch,)`
    or `(batch, m)`); the input contract is documented in
    `keras_recsys.ranking.contract` and in docs/concepts.md.

    Args:
        k: int. The cut-off: only the top `k` ranked items count.
        name: str. The metric's name. Defaults to `"<row_function>@<k>"`
            (the name `evaluate_topk` gives the same figure).
        dtype: the metric's dtype. Defaults to `None` (float32).
        **options: the options of the per-row function, checked by
            `check_options` and kept as attributes of the same names.
    """

    row_function = None  # the name of a registered per-row function

    def __init__(self, k, name=None, dtype=None, **options):
        self.k = contract.check_k(k)
        self._row_options = self.check_options(**options)
        for option, value in self._row_options.items():
            setattr(self, option, value)
        super().__init__(
            name=name or row_functions.metric_name(self.row_function, self.k),
            dtype=dtype,
        )

    @staticmethod
    def check_options():
        """Checks the options of the per-row function; returns them as a dict."""
        return {}

    def row_kwargs(self):
        """Options of the per-row function."""
        return dict(self._row_options)

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
        return {**super().get_config(), "k": self.k, **self.row_kwargs()}


def ranking_metric(metric_class, name, description, result, **doc_parts):
    """Documents `metric_class` and makes its public per-row function `name`.

    `metric_class` gets its docstring from `description`; the function
    `name(y_true, y_pred, k, <options>)` (the options and defaults of
    `metric_class.check_options`) returns the `(batch,)` per-row values of
    the class's `row_function`, documented alike and exported as
    `keras_recsys.metrics.<name>`.

    Args:
        metric_class: a `RankingMetric` subclass.
        name: str. The function's name (`"ndcg_at_k"`).
        description: str. The summary line, a blank line and the details.
        result: str. The per-row value of the docstrings' example.
        **doc_parts: `options` (`Args:` lines of the options) and
            `references` for the docstrings.

    Returns:
        The function.
    """
    row_function = metric_class.row_function
    option_parameters = list(
        inspect.signature(metric_class.check_options).parameters.values()
    )
    signature = inspect.Signature(
        [
            inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for arg in ("y_true", "y_pred", "k")
        ]
        + option_parameters
    )

    def function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        y_true, y_pred, k = (values.pop(arg) for arg in ("y_true", "y_pred", "k"))
        options = metric_class.check_options(**values)
        return row_functions.per_row(row_function, y_true, y_pred, k, **options)

    function.__signature__ = signature
    function.__name__ = function.__qualname__ = name
    function.__module__ = metric_class.__module__
    function.__doc__ = _docstrings.function_doc(
        metric_class.__name__, name, description, result, **doc_parts
    )
    metric_class.__doc__ = _docstrings.metric_doc(
        metric_class.__name__, row_function, description, result, **doc_parts
    )
    return keras_recsys_export(f"keras_recsys.metrics.{name}")(function)
