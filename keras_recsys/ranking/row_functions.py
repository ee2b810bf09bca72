"""The registry of per-row ranking functions, read by metrics and evaluation.

A per-row function takes `(topk, k, y_true, **options)` (a `TopK` selection,
the cut-off, the dense labels it was made from, and the options it declares)
and returns float `(batch,)` values. `register` adds one under a name; the
metric classes of `keras_recsys.metrics` name it in `row_function`, and
`keras_recsys.evaluation.evaluate_topk` accepts every registered name, so a
new ranking metric is one registered function and one class file.
"""

import collections

import keras
from keras import ops

from keras_recsys.ranking import contract
from keras_recsys.ranking.selection import TopK
from keras_recsys.ranking.selection import top_k

RowFunction = collections.namedtuple("RowFunction", ["fn", "options"])

# Name -> RowFunction, in registration order (the order of evaluate_topk's
# default metrics).
ROW_FUNCTIONS = {}


def register(name, options=()):
    """Registers a per-row function under `name` (also its metric names' stem).

    Args:
        name: str. The stem of the metric names, `"<name>@<k>"`.
        options: tuple of str. The keyword options the function takes (for
            instance `"gain"`); `evaluate_topk` passes those of its own.
    """

    def decorator(fn):
        if name in ROW_FUNCTIONS:
            raise ValueError(f"A ranking row function {name!r} is already registered.")
        ROW_FUNCTIONS[name] = RowFunction(fn, tuple(options))
        return fn

    return decorator


def metric_name(name, k):
    """The one spelling of a ranking metric's name: `"<name>@<k>"`.

    Valid as a Keras metric name and as a `monitor=` value on every backend
    (fit logs `val_ndcg@10`); Keras names the metric's TensorFlow variables
    `total`/`count` under it, so the `@` never reaches a TensorFlow op name.
    """
    return f"{name}@{k}"


def num_hits(topk):
    """Relevant items in the top k, `(batch,)`."""
    return ops.sum(ops.cast(topk.relevant, "float32"), axis=1)


@register("precision")
def precision(topk, k, y_true):
    return num_hits(topk) / float(k)


@register("recall", options=("cap_at_k",))
def recall(topk, k, y_true, cap_at_k=False):
    denominator = topk.num_relevant
    if cap_at_k:
        denominator = ops.minimum(denominator, float(k))
    return ops.divide_no_nan(num_hits(topk), denominator)


@register("f1")
def f1(topk, k, y_true):
    p = precision(topk, k, y_true)
    r = recall(topk, k, y_true)
    return ops.divide_no_nan(2.0 * p * r, p + r)


def gain_exponent(y_true):
    """`(batch, 1)`: the power of two by which a row's gains are divided.

    `max(largest label - 1, 0)`, so the exponential gains of labels up to 1
    are `2**rel - 1` exactly, and a row of graded labels such as play counts
    (200) has gains `(2**rel - 1) / 2**(max - 1)` <= 2 instead of overflowing
    float32 (2**128) to inf and NaN. Dividing a row's gains and its ideal DCG
    by the same power of two leaves NDCG unchanged and is exact.
    """
    return ops.maximum(ops.max(y_true, axis=1, keepdims=True) - 1.0, 0.0)


def apply_gain(labels, gain, exponent=None):
    """`2**rel - 1` ("exponential") or `rel` ("linear") of `labels`.

    With `exponent` (see `gain_exponent`), exponential gains are divided by
    `2**exponent`: `2**(rel - e) - 2**-e`, finite for any label.
    """
    if gain == "exponential":
        if exponent is None:
            return ops.power(2.0, labels) - 1.0
        return ops.power(2.0, labels - exponent) - ops.power(2.0, -exponent)
    return labels


def _discount(ranks):
    # 1 / log2(rank + 1) with 1-based ranks; `ranks` are 0-based.
    return 1.0 / ops.log2(ranks + 2.0)


@register("ndcg", options=("gain",))
def ndcg(topk, k, y_true, gain="exponential"):
    relevant = ops.cast(topk.relevant, "float32")
    exponent = gain_exponent(y_true)
    gains = apply_gain(topk.labels, gain, exponent)
    dcg = ops.sum(relevant * gains * _discount(topk.ranks), 1)
    positions = ops.arange(k, dtype="float32")

    def graded_ideal():
        positive = ops.where(ops.greater(y_true, 0.0), y_true, ops.zeros_like(y_true))
        ideal_labels, _ = ops.top_k(positive, k, sorted=True)
        discounts = ops.expand_dims(_discount(positions), 0)
        ideal_gains = apply_gain(ideal_labels, gain, exponent)
        return ops.sum(ideal_gains * discounts, axis=1)

    def binary_ideal():
        # All relevant labels are 1 (so the exponent is 0): the ideal DCG
        # only depends on how many.
        cumulative = ops.cumsum(_discount(positions))
        count = ops.cast(ops.minimum(topk.num_relevant, float(k)), "int32")
        ideal = ops.take(cumulative, ops.maximum(count - 1, 0))
        return ops.where(ops.greater(count, 0), ideal, ops.zeros_like(ideal))

    ideal = contract.cond(topk.graded(y_true), graded_ideal, binary_ideal)
    return ops.divide_no_nan(dcg, ideal)


@register("map")
def average_precision(topk, k, y_true):
    relevant = ops.cast(topk.relevant, "float32")
    # Slots are in rank order: relevant items at or before each slot.
    hits_so_far = ops.cumsum(relevant, axis=1)
    precisions = hits_so_far / (topk.ranks + 1.0)
    total = ops.sum(relevant * precisions, axis=1)
    return ops.divide_no_nan(total, ops.minimum(topk.num_relevant, float(k)))


@register("hit_rate")
def hit_rate(topk, k, y_true):
    return ops.cast(ops.greater(num_hits(topk), 0.0), "float32")


@register("mrr")
def reciprocal_rank(topk, k, y_true):
    relevant = ops.cast(topk.relevant, "float32")
    return ops.max(relevant / (topk.ranks + 1.0), axis=1)


def ranking_inputs(y_true, y_pred, k):
    """Checks a ranking input, dense or sparse, and returns it densely.

    Returns:
        `(y_true, y_pred, bad_rows)`: float32 dense labels, the scores, and
        bool `(batch,)` rows whose value must be NaN (NaN inputs or ids out
        of range inside a compiled step; eager calls raise instead).
    """
    y_true = contract.check_raw_ids(y_true, y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_pred = contract.as_scores(y_pred)
    out_of_range = None
    if contract.is_sparse(y_true, y_pred):
        if len(y_pred.shape) != 2:
            raise ValueError(
                "`y_pred` must have shape (batch, n). Received: "
                f"y_pred.shape={tuple(y_pred.shape)}"
            )
        y_true, out_of_range = contract.labels_from_ids(y_true, y_pred)
    y_true, y_pred = contract.check_inputs(y_true, y_pred, k)
    bad_rows = contract.nan_rows(y_true, y_pred)
    if out_of_range is not None:
        bad_rows = ops.logical_or(bad_rows, out_of_range)
    return y_true, y_pred, bad_rows


def row_values(name, y_true, y_pred, k, **options):
    """Computes one registered metric's per-row values and the rows' weights.

    Args:
        name: str. A registered per-row function.
        y_true, y_pred: the ranking input (dense or sparse `y_true`).
        k: int. The cut-off.
        **options: passed to the function.

    Returns:
        `(values, has_relevant)`: float32 `(batch,)` values (NaN for rows
        with NaN inputs or out-of-range ids inside a compiled step; eager
        calls raise instead) and float32 `(batch,)` 1/0 weights, 0 for rows
        with no relevant item.
    """
    y_true, y_pred, bad_rows = ranking_inputs(y_true, y_pred, k)
    if contract.is_empty(y_pred):
        # An empty batch: no row, no value (a metric stays unchanged).
        empty = ops.zeros((0,), "float32")
        return empty, empty
    topk = top_k(y_true, y_pred, k)
    values = contract.nan_where(
        bad_rows, ROW_FUNCTIONS[name].fn(topk, k, y_true, **options)
    )
    has_relevant = ops.cast(ops.greater(topk.num_relevant, 0.0), "float32")
    return ops.cast(values, "float32"), has_relevant


def per_row(name, y_true, y_pred, k, **options):
    """The public per-row functions: checks `k`, returns `(batch,)` values."""
    values, _ = row_values(name, y_true, y_pred, contract.check_k(k), **options)
    return values


def batch_sums(names, ks, options, y_true, y_pred):
    """Per-metric sums of one batch over its rows with a relevant item.

    Ranks once up to `max(ks)`; the top k is the first k of that selection
    (the order is total). Returns float `(len(ks) * len(names),)` sums,
    ordered by k then metric.
    """
    return batch_sums_and_items(names, ks, options, y_true, y_pred)[0]


def batch_sums_and_items(names, ks, options, y_true, y_pred):
    """`batch_sums` and the item columns of the same top `max(ks)` selection.

    Returns `(sums, items)`: the sums of `batch_sums` and int32
    `(batch, max(ks))` item columns in rank order, -1 for an empty slot, so
    that measures of the lists themselves (coverage, novelty) read the very
    ranking the accuracy metrics scored.
    """
    k_max = max(ks)
    y_true, y_pred, bad_rows = ranking_inputs(y_true, y_pred, k_max)
    if contract.is_empty(y_pred):
        return ops.zeros((len(ks) * len(names),), "float32")
    topk = top_k(y_true, y_pred, k_max)
    has_relevant = ops.cast(ops.greater(topk.num_relevant, 0.0), "float32")
    graded = topk.graded(y_true)
    out = []
    for k in ks:
        cut = TopK(
            topk.labels[:, :k],
            topk.ranks[:, :k],
            topk.relevant[:, :k],
            topk.num_relevant,
            graded=graded,
        )
        for name in names:
            row_function = ROW_FUNCTIONS[name]
            kwargs = {o: options[o] for o in row_function.options if o in options}
            values = contract.nan_where(
                bad_rows, row_function.fn(cut, k, y_true, **kwargs)
            )
            out.append(ops.sum(keras.ops.cast(values, "float32") * has_relevant))
    return ops.stack(out), topk.items
