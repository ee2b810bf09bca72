"""Backend branches of `keras_recsys.explain`: gradients with respect to inputs.

Re-exported by `keras_recsys.utils.backend_utils`, the one import path.
"""

import keras


def value_and_gradients(fn, xs):
    """Returns `fn(*xs)` and the gradients of its sum with respect to `xs`.

    `xs` is a list of float tensors; `fn` maps them to a tensor of any shape
    (its values are summed before differentiating). Used by
    `keras_recsys.explain` for integrated gradients; nothing is
    differentiated with respect to model weights.
    """
    name = keras.backend.backend()
    xs = [keras.ops.convert_to_tensor(x, dtype="float32") for x in xs]
    if name == "tensorflow":
        # TensorFlow records gradients on a tape.
        import tensorflow as tf

        with tf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            value = fn(*xs)
            total = tf.reduce_sum(value)
        grads = tape.gradient(total, xs)
        return value, [tf.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
    if name == "jax":
        # JAX differentiates a pure function; the value comes back as aux.
        import jax

        def total(args):
            out = fn(*args)
            return keras.ops.sum(out), out

        (_, value), grads = jax.value_and_grad(total, has_aux=True)(xs)
        return value, list(grads)
    if name == "torch":
        # PyTorch differentiates leaf tensors that require grad.
        import torch

        xs = [x.detach().requires_grad_(True) for x in xs]
        value = fn(*xs)
        grads = torch.autograd.grad(torch.sum(value), xs, allow_unused=True)
        grads = [torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
        return value.detach(), grads
    raise NotImplementedError(f"Gradients are not implemented for backend {name!r}.")
