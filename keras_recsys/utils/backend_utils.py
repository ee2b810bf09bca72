"""The only place where code branches on the Keras backend."""

import keras
import numpy as np


def backend():
    """Returns the name of the active Keras backend."""
    return keras.backend.backend()


def is_concrete(x):
    """True when `x` holds values that can be read now (not a traced graph).

    Checks on values (ids in range, no NaN) run only on concrete tensors,
    because symbolic tensors inside `tf.function`, `jax.jit` or a functional
    model have no values yet.
    """
    if isinstance(x, (np.ndarray, np.generic, int, float, list, tuple)):
        return True
    if isinstance(x, keras.KerasTensor):
        return False
    name = backend()
    if name == "tensorflow":
        # Inside tf.function, tensors are symbolic and cannot be read.
        import tensorflow as tf

        return tf.executing_eagerly() and hasattr(x, "numpy")
    if name == "jax":
        # Inside jax.jit, arrays are tracers.
        import jax

        return not isinstance(x, jax.core.Tracer)
    if name == "torch":
        # Under torch.compile tracing values are fake.
        import torch

        if hasattr(torch, "compiler") and torch.compiler.is_compiling():
            return False
        return True
    return False


def to_numpy(x):
    """Returns a concrete tensor's values as a numpy array."""
    return keras.ops.convert_to_numpy(x)


def compile_function(fn):
    """Compiles `fn` the way Keras compiles a test step on this backend.

    `jax.jit` on JAX (op-by-op dispatch there is slow and keeps a compiled
    program per op and shape), `tf.function` on TensorFlow (a graph without
    XLA, as Keras uses on CPU), and `fn` itself on PyTorch, whose Keras steps
    run eagerly. `fn` must take and return tensors only.
    """
    name = backend()
    if name == "jax":
        import jax

        return jax.jit(fn)
    if name == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, reduce_retracing=True)
    return fn
