"""Docstring paragraphs that several losses share (not public).

Filled in by `keras_recsys.utils.docstrings.format_docstring`: a loss's
docstring holds `{loss_args}` after its own `Args:` lines and
`{call_inputs}` where its call inputs go.
"""

PAIRWISE = {
    "loss_args": """\
reduction: str. Keras reduction of the per-row losses. Defaults to
    `"sum_over_batch_size"`.
dtype: the dtype of the loss's computations. Defaults to `None`
    (float32). Pairs are always computed in float32.""",
    "call_inputs": """\
Call inputs:
    y_true: tensor `(batch, n)`. Labels (> 0 relevant and graded, 0 not
        relevant, < 0 excluded).
    y_pred: tensor `(batch, n)`. Scores.
    sample_weight: optional scalar or `(batch,)` row weights.""",
}

SAMPLED_NEXT_ITEM = {
    "loss_args": """\
reduction: str. Keras reduction. Defaults to `"sum_over_batch_size"`.
dtype: dtype of the loss. Defaults to `None`.""",
    "call_inputs": """\
Call inputs:
    y_true: int `(batch, steps)` next-item codes (0 = no target), or
        `(batch,)`.
    y_pred: per-position vectors `(batch, steps, dim)`, vectors
        `(batch, dim)`, or logits `(batch, num_items)`.""",
}

LISTWISE = {
    "loss_args": """\
reduction: str. Keras reduction of the per-row losses. Defaults to
    `"sum_over_batch_size"`.
dtype: the dtype of the loss's computations. Defaults to `None`
    (float32).""",
    "call_inputs": """\
Call inputs:
    y_true: tensor `(batch, n)`. Graded labels (> 0 relevant, 0 not
        relevant, < 0 excluded).
    y_pred: tensor `(batch, n)`. Scores (the listwise softmax reads them
        as logits).
    sample_weight: optional scalar or `(batch,)` row weights.""",
}
