"""Per-example losses, gradients and clipping shared by the DP pieces."""

import math

import keras
from keras import ops

from keras_recsys.utils import backend_utils

# Offset between the dropout seeds of two examples of one step (a prime, so
# that seeds of different layers rarely coincide; small enough that int32
# holds it times 100,000 examples).
_SEED_STRIDE = 7919


def _is_seed_state(variable):
    return variable.name == "seed_generator_state"


def example_mask(sample_weight, grouped):
    """1.0 for a real example, 0.0 for a padding row (all weights zero)."""
    weight = ops.cast(ops.not_equal(sample_weight, 0), "float32")
    if grouped:
        weight = ops.max(ops.reshape(weight, (ops.shape(weight)[0], -1)), axis=1)
    return weight


def make_example_loss(model, grouped):
    """Returns `loss_fn(trainable, (non_trainable, x, y, w, index))` for one
    example of `model`: its whole training loss (compiled loss plus the
    model's `losses`) computed statelessly on a batch of that example alone
    (or, when `grouped`, on the rows of one group)."""

    def loss_fn(trainable_values, example):
        non_trainable_values, x, y, w, index = example
        if not grouped:
            x, y, w = keras.tree.map_structure(
                lambda t: ops.expand_dims(t, 0), (x, y, w)
            )
        # Each example draws its own dropout masks: its seed state is the
        # step's state shifted by the example's index.
        values = []
        for variable, value in zip(model.non_trainable_variables, non_trainable_values):
            if _is_seed_state(variable):
                shift = ops.cast(index, value.dtype) * _SEED_STRIDE
                value = value + ops.stack([shift, ops.zeros_like(shift)])
            values.append(value)
        mapping = list(zip(model.trainable_variables, trainable_values))
        mapping += list(zip(model.non_trainable_variables, values))
        with keras.StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
            # The wrapped model itself: a group's rows are its batch.
            y_pred = model.model(x, training=True)
            loss = model.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=w, training=True
            )
        new_values = [scope.get_current_value(v) for v in model.non_trainable_variables]
        return loss, new_values

    return loss_fn


def per_example_gradients(
    model, trainable_values, non_trainable_values, x, y, w, index, grouped
):
    """Per-example gradients (list with a leading example axis), losses and
    the non-trainable values after example 0's forward pass."""
    loss_fn = make_example_loss(model, grouped)
    n = ops.shape(index)[0]
    # The non-trainable values are shared by all examples; broadcasting them
    # along the example axis lets every backend map one tree.
    broadcast = [
        ops.broadcast_to(v, (n,) + tuple(v.shape)) for v in non_trainable_values
    ]
    grads, losses, aux = backend_utils.per_example_gradients(
        loss_fn, list(trainable_values), (broadcast, x, y, w, index)
    )
    return grads, losses, [a[0] for a in aux]


def gradient_norms(grads):
    """L2 norm of each example's whole gradient (all variables together)."""
    total = 0.0
    for g in grads:
        flat = ops.reshape(ops.cast(g, "float32"), (ops.shape(g)[0], -1))
        total = total + ops.sum(ops.square(flat), axis=1)
    return ops.sqrt(total)


def clip_factors(grads, l2_norm_clip):
    """Per-example factors `min(1, C / ||g||)` that clip each gradient to C."""
    norms = gradient_norms(grads)
    if math.isinf(l2_norm_clip):
        return ops.ones_like(norms)
    return ops.minimum(1.0, l2_norm_clip / ops.maximum(norms, 1e-12))


def weighted_sum(grads, factors):
    """`sum_i factors[i] * grads[i]` for each variable."""
    return [
        ops.cast(ops.tensordot(factors, ops.cast(g, "float32"), axes=1), g.dtype)
        for g in grads
    ]
