"""Independent numpy references for the ranking losses: plain loops."""

import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


def bpr(d):
    return softplus(-d)


def bpr_grad(d):
    return -0.5 * (1.0 - np.tanh(d / 2.0))  # -sigmoid(-d), no overflow


def hinge(margin):
    return lambda d: max(0.0, margin - d)


def hinge_grad(margin):
    return lambda d: -1.0 if d < margin else 0.0


def pairwise_rows(y_true, y_pred, f, f_grad):
    """Per-row loss and its gradient with respect to `y_pred`."""
    y_true = np.asarray(y_true, "float64")
    y_pred = np.asarray(y_pred, "float64")
    losses = np.zeros(len(y_true))
    grads = np.zeros_like(y_pred)
    for b in range(len(y_true)):
        pairs = [
            (i, j)
            for i in range(y_true.shape[1])
            for j in range(y_true.shape[1])
            if y_true[b, i] > y_true[b, j] >= 0
        ]
        if not pairs:
            continue
        for i, j in pairs:
            d = y_pred[b, i] - y_pred[b, j]
            losses[b] += f(d) / len(pairs)
            grads[b, i] += f_grad(d) / len(pairs)
            grads[b, j] -= f_grad(d) / len(pairs)
    return losses, grads


def multinomial_rows(y_true, y_pred):
    y_true = np.asarray(y_true, "float64")
    y_pred = np.asarray(y_pred, "float64")
    out = np.zeros(len(y_true))
    for b in range(len(y_true)):
        keep = y_true[b] >= 0
        if not keep.any():
            continue
        logits = y_pred[b][keep]
        log_probs = logits - np.logaddexp.reduce(logits)
        out[b] = -(y_true[b][keep] * log_probs).sum()
    return out


def value_and_grad(loss, y_true, y_pred, jit=False):
    """The loss value and its gradient w.r.t. `y_pred` on the active backend."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        def step(x, t):
            with tf.GradientTape() as tape:
                tape.watch(x)
                value = loss(t, x)
            return value, tape.gradient(value, x)

        if jit:
            step = tf.function(step, jit_compile=True)
        value, grad = step(tf.convert_to_tensor(y_pred), tf.convert_to_tensor(y_true))
        return _np(value), _np(grad)
    if backend == "jax":
        import jax

        # `y_true` is an argument, not a closure constant that XLA would fold.
        step = jax.value_and_grad(lambda x, t: loss(t, x))
        if jit:
            step = jax.jit(step)
        value, grad = step(jax.numpy.asarray(y_pred), jax.numpy.asarray(y_true))
        return _np(value), _np(grad)

    x = keras.ops.convert_to_tensor(y_pred).detach().requires_grad_(True)
    value = loss(y_true, x)
    value.backward()
    return _np(value.detach()), _np(x.grad.detach())


def _np(x):
    import keras

    return keras.ops.convert_to_numpy(keras.ops.cast(x, "float32"))
