"""The paragraphs every ranking metric's docstrings share (not public)."""

FUNCTION_CONTRACT = """\
Inputs follow the ranking contract of docs/concepts.md: labels > 0 are
relevant (graded), 0 not relevant, < 0 excluded from ranking; among equal
scores the lower index ranks first. A row with no relevant item gets 0
(the `{metric}` metric gives it no weight); NaN inputs raise a
`ValueError` in eager calls (see docs/concepts.md)."""

FUNCTION_INPUTS = """\
y_true: tensor. Dense labels `(batch, n)`, or item ids: `(batch,)`
    or `(batch, m)` padded with -1 (see
    `keras_recsys.metrics.sparse_targets`).
y_pred: tensor `(batch, n)`. Scores, higher ranks first.
k: int. The cut-off, `1 <= k <= n`."""

FUNCTION_RETURNS = """\
Returns:
    A float32 tensor `(batch,)`: one value per row."""

METRIC_CONTRACT = """\
A streaming mean over rows: results over several batches equal the result
over all rows at once. Inputs follow the ranking contract of
docs/concepts.md: labels > 0 are relevant (graded), 0 not relevant, < 0
excluded from ranking; among equal scores the lower index ranks first on
every backend; rows with no relevant item carry no weight; `sample_weight`
is a scalar or `(batch,)`."""

METRIC_K_ARG = "k: int. The cut-off: only the top `k` ranked items count."

METRIC_NAME_ARGS = """\
name: str. The metric's name. Defaults to `"{name}@<k>"`.
dtype: the metric's dtype. Defaults to `None` (float32)."""

METRIC_CALL_INPUTS = """\
Call inputs (`update_state`):
    y_true: tensor `(batch, n)` labels, or item ids `(batch,)` / `(batch, m)`.
    y_pred: tensor `(batch, n)`. Scores, higher ranks first.
    sample_weight: optional scalar or `(batch,)` weights of the rows."""


def function_paragraphs(metric):
    """The shared paragraphs of a per-row function whose class is `metric`."""
    return {
        "contract": FUNCTION_CONTRACT.format(metric=metric),
        "inputs": FUNCTION_INPUTS,
        "returns": FUNCTION_RETURNS,
    }


def metric_paragraphs(name):
    """The shared paragraphs of a metric class named `"<name>@<k>"`."""
    return {
        "contract": METRIC_CONTRACT,
        "k_arg": METRIC_K_ARG,
        "name_args": METRIC_NAME_ARGS.format(name=name),
        "call_inputs": METRIC_CALL_INPUTS,
    }
