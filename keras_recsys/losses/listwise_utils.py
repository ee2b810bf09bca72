"""What the listwise losses share: the candidate list, its gains and ranks.

`ListwiseSoftmaxLoss`, `ApproxNDCGLoss` and `LambdaLoss` read a row the way
every ranking loss does (docs/concepts.md): labels > 0 are relevant with a
graded gain, 0 non-relevant, < 0 excluded (padding of a short candidate list,
say). Excluded items take no part in any softmax, approximate rank or pair;
a row with no relevant item contributes 0. The ranking core is imported here
only, so the losses depend on it in one place.

The approximate ranks and the pair weights compare every item of a row with
every other: memory is O(batch * n * n), meant for candidate lists (n in the
tens or hundreds), not for a full catalog.
"""

from keras import ops

from keras_recsys.ranking.contract import check_inputs
from keras_recsys.ranking.row_functions import apply_gain
from keras_recsys.ranking.row_functions import gain_exponent
from keras_recsys.utils.validation import check_one_of

GAINS = ("exponential", "linear")


def check_gain(gain):
    return check_one_of("gain", gain, GAINS)


def list_inputs(y_true, y_pred):
    """Checks a ranking input; returns float32 `(y_true, scores, valid)`."""
    y_true, scores = check_inputs(y_true, y_pred)
    return y_true, ops.cast(scores, "float32"), ops.greater_equal(y_true, 0.0)


def gains(y_true, gain_type):
    """`(batch, n)` gains: `gain(label)` for relevant items, 0 otherwise.

    Exponential gains are divided by `2**gain_exponent(y_true)` per row
    (1 when no label exceeds 1): only ratios to the row's ideal DCG use them.
    """
    relevant = ops.greater(y_true, 0.0)
    safe = ops.where(relevant, y_true, ops.zeros_like(y_true))
    # Scaled per row by a power of two (finite for labels of 200; the losses
    # divide by the row's ideal DCG, so the scale cancels).
    scaled = apply_gain(safe, gain_type, gain_exponent(y_true))
    return ops.where(relevant, scaled, ops.zeros_like(y_true))


def discount(ranks):
    """`1 / log2(1 + rank)` for 1-based ranks."""
    return 1.0 / ops.log2(1.0 + ranks)


def ideal_dcg(gain_values):
    """`(batch,)` DCG of the gains in their best order (no cut-off)."""
    n = gain_values.shape[1]
    if n is None:
        n = ops.shape(gain_values)[1]
    ordered, _ = ops.top_k(gain_values, n, sorted=True)
    positions = ops.arange(1, ordered.shape[1] + 1, dtype="float32")
    return ops.sum(ordered * ops.expand_dims(discount(positions), 0), axis=1)


def pair_valid(valid):
    """`(batch, n, n)`: both items of pair (i, j) take part in the ranking."""
    return ops.logical_and(ops.expand_dims(valid, 2), ops.expand_dims(valid, 1))


def ranks_with_ties(scores, valid):
    """1-based rank of each valid item under the tie rule, `(batch, n)`.

    The rank of item i is 1 plus the number of valid items j that score
    higher, or equally with a lower index (docs/concepts.md). Excluded items
    get rank 0 (they have none).
    """
    s_i = ops.expand_dims(scores, 2)
    s_j = ops.expand_dims(scores, 1)
    n = ops.shape(scores)[1]
    index = ops.arange(n, dtype="int32")
    lower_index = ops.expand_dims(
        ops.less(ops.expand_dims(index, 0), ops.expand_dims(index, 1)), 0
    )
    ahead = ops.logical_or(
        ops.greater(s_j, s_i), ops.logical_and(ops.equal(s_j, s_i), lower_index)
    )
    ahead = ops.logical_and(ahead, pair_valid(valid))
    ranks = 1.0 + ops.sum(ops.cast(ahead, "float32"), axis=2)
    return ops.where(valid, ranks, ops.zeros_like(ranks))
