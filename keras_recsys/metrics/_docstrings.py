"""The docstrings of the ranking metrics, written once (not public).

Each metric file holds only what is its own (a description, its options'
`Args:` lines, references, the example's result); `function_doc` and
`metric_doc` put them together with the paragraphs every ranking metric
shares, so the function and the class of a metric never repeat each other.
"""

import textwrap

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


EXAMPLE = """\
```python
import numpy as np
import keras_recsys

{call}
```"""

FUNCTION_CALL = """\
y_true = np.array([[0.0, 1.0, 0.0, 1.0]])
y_pred = np.array([[0.9, 0.8, 0.1, 0.0]])
keras_recsys.metrics.{name}(y_true, y_pred, k=2)  # [{result}]"""

METRIC_CALL = """\
metric = keras_recsys.metrics.{name}(k=2)
metric.update_state(
    np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.9, 0.8, 0.1, 0.0]])
)
metric.result()  # {result}"""


def _section(title, body):
    return f"{title}\n{textwrap.indent(body.strip(), '    ')}" if body else ""


def _doc(description, contract, args, io, call, references):
    """A docstring: description, contract, `Args:`, inputs/returns, example."""
    description = textwrap.dedent(description).strip()
    summary, _, details = description.partition("\n")
    args = "\n".join(part.strip("\n") for part in args if part)
    sections = (
        details.strip(),
        contract,
        _section("Args:", args),
        io,
        "Example:\n\n" + EXAMPLE.format(call=call),
        _section("References:", references),
    )
    body = "\n\n".join(part for part in sections if part)
    # Indented like a docstring written in place (`inspect.cleandoc` reads it).
    return f"{summary}\n\n{textwrap.indent(body, '    ')}\n"


def function_doc(metric, name, description, result, options="", references=""):
    """The docstring of the per-row function `name` of the class `metric`.

    Args:
        metric: str. The class name (`"NDCGAtK"`).
        name: str. The function name (`"ndcg_at_k"`).
        description: str. The summary line, a blank line and the details.
        result: str. The example's per-row value.
        options: str. `Args:` lines of the options after `k`.
        references: str. The `References:` lines, if any.
    """
    parts = function_paragraphs(metric)
    call = FUNCTION_CALL.format(name=name, result=result)
    args = (parts["inputs"], options)
    return _doc(
        description, parts["contract"], args, parts["returns"], call, references
    )


def metric_doc(metric, row_name, description, result, options="", references=""):
    """The docstring of the metric class `metric`, named `"<row_name>@<k>"`."""
    parts = metric_paragraphs(row_name)
    call = METRIC_CALL.format(name=metric, result=result)
    args = (parts["k_arg"], options, parts["name_args"])
    return _doc(
        description, parts["contract"], args, parts["call_inputs"], call, references
    )
