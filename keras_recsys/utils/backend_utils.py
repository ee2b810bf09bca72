"""The one import path of the code that branches on the Keras backend.

The general helpers live here; the branches of one subpackage each live in
a private sibling module (`_backend_<area>.py`), re-exported below.
"""

import keras
import numpy as np

from keras_recsys.utils._backend_distribution import build_without_values  # noqa: F401
from keras_recsys.utils._backend_distribution import gather_replica_rows  # noqa: F401
from keras_recsys.utils._backend_distribution import predict_on_batch  # noqa: F401
from keras_recsys.utils._backend_distribution import strategy_fit  # noqa: F401
from keras_recsys.utils._backend_explain import value_and_gradients  # noqa: F401
from keras_recsys.utils._backend_privacy import per_example_gradients  # noqa: F401
from keras_recsys.utils._backend_privacy import run_private_train_step  # noqa: F401
from keras_recsys.utils._backend_privacy import sum_over_chunks  # noqa: F401
from keras_recsys.utils._backend_serving import is_string_tensor  # noqa: F401
from keras_recsys.utils._backend_serving import lookup_tables  # noqa: F401
from keras_recsys.utils._backend_serving import table_lookup  # noqa: F401


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
        # Under torch.func transforms (vmap, grad) tensors have no storage.
        return not _is_functorch_tensor(x)
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


def _is_functorch_tensor(x):
    from torch._C._functorch import is_functorch_wrapped_tensor

    return is_functorch_wrapped_tensor(x)


# --- ranking core (keras_recsys.ranking) ---


def stable_argsort(x, axis=-1):
    """`keras.ops.argsort` that keeps equal values in their order (stable)."""
    if backend() == "tensorflow":
        # Keras's TensorFlow argsort does not ask tf.argsort for stability.
        import tensorflow as tf

        return tf.argsort(x, axis=axis, stable=True)
    # jnp.argsort is stable by default; Keras's torch argsort asks for it.
    return keras.ops.argsort(x, axis=axis)


def float64_supported():
    """False on JAX without x64, where float64 tensors silently become float32."""
    if backend() == "jax":
        # JAX keeps 32-bit types unless `jax_enable_x64` is set.
        import jax

        return bool(jax.config.jax_enable_x64)
    return True
