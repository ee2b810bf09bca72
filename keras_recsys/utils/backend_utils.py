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


# --- explanations ---


def value_and_gradients(fn, xs):
    """Returns `fn(*xs)` and the gradients of its sum with respect to `xs`.

    `xs` is a list of float tensors; `fn` maps them to a tensor of any shape
    (its values are summed before differentiating). Used by
    `keras_recsys.explain` for integrated gradients; nothing is
    differentiated with respect to model weights.
    """
    name = backend()
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


# --- Serving (keras_recsys.serving): string ids exist as tensors in TF only ---


def is_string_tensor(x):
    """True when `x` is a `tf.string` tensor (TF backend or an export graph)."""
    # Only TensorFlow has string tensors; never import it just to answer no.
    import sys

    if "tensorflow" not in sys.modules:
        return False
    import tensorflow as tf

    return isinstance(x, (tf.Tensor, tf.Variable)) and x.dtype == tf.string


def lookup_tables(vocabulary):
    """A TF hash table id -> code (`i + 1`) and the ids as a TF constant.

    Serves string ids (tensors of strings exist in TensorFlow only) and the
    raw ids of an exported SavedModel, which runs in TensorFlow whatever the
    backend that exported it.
    """
    import tensorflow as tf

    values = np.asarray(vocabulary)
    dtype = tf.string if values.dtype.kind in "UO" else tf.int64
    keys = tf.constant(values.tolist(), dtype=dtype)
    codes = tf.range(1, len(values) + 1, dtype=tf.int64)
    forward = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(keys, codes), default_value=0
    )
    return forward, keys


def table_lookup(tables, inputs, invert, missing_id):
    """Looks ids up in `lookup_tables` (or, inverted, codes up)."""
    # TensorFlow ops: see `lookup_tables`.
    import tensorflow as tf

    forward, keys = tables
    if not invert:
        return tf.cast(forward.lookup(tf.cast(inputs, keys.dtype)), tf.int32)
    table = tf.concat([tf.constant([missing_id], keys.dtype), keys], axis=0)
    codes = tf.cast(inputs, tf.int32)
    valid = tf.logical_and(codes > 0, codes <= tf.shape(keys)[0])
    return tf.gather(table, tf.where(valid, codes, 0))


# --- distribution (keras_recsys.distribution, cross-replica losses) ---


def build_without_values(build_fn):
    """Calls `build_fn()` without allocating the values of its variables.

    Used to read the names and shapes of a model's tables (to shard them)
    before building it for real. Variables created in a
    `keras.StatelessScope` have no value; Keras also queues them to be
    initialized on the next exit of a stateless scope, so the queue is put
    back as it was (otherwise a later symbolic call would allocate them),
    and so is Python's random state, from which unseeded initializers draw
    their seeds: the real build that follows initializes as if this one had
    not happened.
    """
    import random

    from keras.src.backend.common import global_state

    key = "uninitialized_variables"
    queued = list(global_state.get_global_attribute(key, []) or [])
    random_state = random.getstate()
    try:
        with keras.StatelessScope(initialize_variables=False):
            return build_fn()
    finally:
        global_state.set_global_attribute(key, queued)
        random.setstate(random_state)


def gather_replica_rows(x):
    """Concatenates `x` over the replicas of a step; returns it and an offset.

    Returns `(gathered, offset)`: `gathered` stacks the rows of every
    replica in replica order and `offset` is the row of `gathered` where this
    replica's rows start. Inside `tf.distribute` (MirroredStrategy,
    MultiWorkerMirroredStrategy) each replica runs the step on its own part
    of the global batch, so the rows are gathered (with gradients) across
    replicas. Everywhere else the step already sees the whole global batch:
    `keras.distribution` on JAX compiles one program over the global batch
    (XLA inserts the communication), and a single device holds it all; `x`
    is returned as is with offset 0.
    """
    if backend() != "tensorflow":
        # One global program (JAX's keras.distribution) or one device.
        return x, 0
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        # Cross-replica context or the default strategy: one replica.
        return x, 0
    gathered = context.all_gather(x, axis=0)
    # Replicas may hold different numbers of rows on the last batch.
    sizes = context.all_gather(tf.shape(x)[:1], axis=0)
    # The replica id is a tensor inside the compiled step.
    before = tf.range(context.num_replicas_in_sync) < context.replica_id_in_sync_group
    offset = tf.reduce_sum(tf.where(before, sizes, tf.zeros_like(sizes)))
    return gathered, offset


def predict_on_batch(model, x):
    """`model.predict_on_batch(x)`, correct under `tf.distribute` too.

    Keras 3.15's TensorFlow `predict_on_batch` hands the whole batch to every
    replica of a MirroredStrategy and concatenates their outputs, so it
    returns each row once per replica; `predict` splits the batch across
    the replicas as it should.
    """
    if backend() == "tensorflow":
        strategy = getattr(model, "distribute_strategy", None)
        if strategy is not None and strategy.num_replicas_in_sync > 1:
            # A plain call reads the local copy of the mirrored variables
            # (`predict` would also do, but not under MultiWorkerMirrored).
            return model(x, training=False)
    return model.predict_on_batch(x)


def strategy_fit(model, dataset, epochs, steps_per_epoch):
    """Runs `model.train_step` in `strategy.run` (TensorFlow only).

    Keras 3.15's `fit` fails under `tf.distribute.MultiWorkerMirroredStrategy`
    twice: its symbolic build reduces a nested input batch with
    `strategy.reduce` (which takes no nested values there) and it reduces
    the scalar logs with `axis=0`. The step itself is Keras's.
    """
    import tensorflow as tf

    # The strategy the model was built in (or the one in scope now).
    strategy = model.distribute_strategy
    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
        if callable(dataset) and not isinstance(dataset, tf.data.Dataset):
            batches = strategy.distribute_datasets_from_function(dataset)
        else:
            batches = strategy.experimental_distribute_dataset(dataset)

        @tf.function
        def step(batch):
            logs = strategy.run(model.train_step, args=(batch,))
            return {k: strategy.reduce("MEAN", v, axis=None) for k, v in logs.items()}

        history = {}
        for _ in range(epochs):
            for metric in model.metrics:
                metric.reset_state()
            logs = {}
            for i, batch in enumerate(batches):
                if steps_per_epoch is not None and i >= steps_per_epoch:
                    break
                logs = step(batch)
            for key, value in logs.items():
                history.setdefault(key, []).append(float(value))
    return history


# --- privacy ---
# Per-example gradients for differentially private training
# (`keras_recsys.privacy`). `loss_fn(params, example)` returns
# `(loss, aux)` for one example; the functions below vectorize its gradient
# over the leading axis of `examples` with each backend's own transform.


def per_example_gradients(loss_fn, params, examples):
    """Per-example gradients of `loss_fn` with respect to `params`.

    Args:
        loss_fn: callable `(params, example) -> (loss, aux)`, where `params`
            is a list of tensors, `example` one slice of `examples` (leading
            axis removed), `loss` a scalar and `aux` a tree of tensors.
        params: list of tensors.
        examples: tree of tensors sharing their leading axis (the examples).

    Returns:
        `(grads, losses, aux)`: a list like `params` whose tensors gain a
        leading axis of one gradient per example, the `(n,)` losses, and `aux`
        with a leading axis.
    """
    name = backend()
    if name == "jax":
        # JAX: vmap of grad is the native per-example gradient.
        import jax

        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
        (losses, aux), grads = jax.vmap(grad_fn, in_axes=(None, 0))(params, examples)
        return list(grads), losses, aux
    if name == "tensorflow":
        # TensorFlow: a tape per example, vectorized by pfor.
        import tensorflow as tf

        def one(example):
            with tf.GradientTape() as tape:
                tape.watch(params)
                loss, aux = loss_fn(params, example)
            grads = tape.gradient(
                loss, params, unconnected_gradients=tf.UnconnectedGradients.ZERO
            )
            return grads, loss, aux

        grads, losses, aux = tf.vectorized_map(one, examples)
        return list(grads), losses, aux
    if name == "torch":
        # PyTorch: torch.func composes grad and vmap; dropout masks must
        # differ between examples, hence randomness="different".
        import torch.func

        detached = [p.detach() for p in params]

        def with_loss(p, example):
            loss, aux = loss_fn(p, example)
            return loss, (loss, aux)

        grad_fn = torch.func.grad(with_loss, has_aux=True)
        try:
            grads, (losses, aux) = torch.func.vmap(
                grad_fn, in_dims=(None, 0), randomness="different"
            )(detached, examples)
        except RuntimeError as error:
            if "vmap" not in str(error):
                raise
            # Keras's seeded torch dropout reads its seed as a Python int,
            # which vmap cannot; take the gradients one example at a time.
            import keras

            n = keras.tree.flatten(examples)[0].shape[0]
            parts = [
                grad_fn(
                    detached, keras.tree.map_structure(lambda t, i=i: t[i], examples)
                )
                for i in range(n)
            ]
            stack = lambda *xs: torch.stack(xs)  # noqa: E731
            grads = keras.tree.map_structure(stack, *[g for g, _ in parts])
            losses, aux = keras.tree.map_structure(stack, *[a for _, a in parts])
        return list(grads), losses, aux
    raise NotImplementedError(
        f"Per-example gradients are not implemented for the {name!r} backend; "
        "use tensorflow, jax or torch."
    )


def _is_functorch_tensor(x):
    from torch._C._functorch import is_functorch_wrapped_tensor

    return is_functorch_wrapped_tensor(x)


def sum_over_chunks(fn, chunks, init):
    """Returns `init + sum_c fn(chunk_c)` over the leading axis of `chunks`.

    `fn` maps one chunk (a tree of tensors) to a tree like `init`. JAX runs
    the chunks in a `lax.scan` so that the compiled program holds one chunk
    (an unrolled loop would compile one copy per chunk); TensorFlow runs a
    `tf.while_loop` (the number of chunks may be known only at run time),
    PyTorch a Python loop.
    """
    import keras

    if backend() == "jax":
        # JAX: scan keeps one chunk's per-example gradients in memory and in
        # the compiled program.
        import jax

        def step(carry, chunk):
            return keras.tree.map_structure(lambda a, b: a + b, carry, fn(chunk)), None

        total, _ = jax.lax.scan(step, init, chunks)
        return total
    if backend() == "tensorflow":
        # TensorFlow: the number of chunks may be known only at run time
        # (variable-size batches), so loop in the graph.
        import tensorflow as tf

        num_chunks = tf.shape(keras.tree.flatten(chunks)[0])[0]

        def body(c, total):
            chunk = keras.tree.map_structure(lambda t: t[c], chunks)
            return c + 1, keras.tree.map_structure(lambda a, b: a + b, total, fn(chunk))

        _, total = tf.while_loop(lambda c, _: c < num_chunks, body, (0, init))
        return total
    total = init
    num_chunks = keras.tree.flatten(chunks)[0].shape[0]
    for c in range(num_chunks):
        chunk = keras.tree.map_structure(lambda t, c=c: t[c], chunks)
        total = keras.tree.map_structure(lambda a, b: a + b, total, fn(chunk))
    return total


def run_private_train_step(model, gradients_fn, update_logs, args):
    """Runs one DP-SGD step as the backend's `Model.train_step(*args)`.

    `gradients_fn(trainable, non_trainable, data)` returns
    `(grads, loss, count, non_trainable)` from variable values, and
    `update_logs(loss, count)` updates the loss tracker and returns the logs.
    """
    if backend() == "jax":
        # JAX's trainer passes the state in and expects it back.
        from keras import StatelessScope

        (trainable, non_trainable, optimizer_values, metrics_values), data = args
        grads, loss, count, non_trainable = gradients_fn(trainable, non_trainable, data)
        trainable, optimizer_values = model.optimizer.stateless_apply(
            optimizer_values, grads, trainable
        )
        mapping = list(zip(model.metrics_variables, metrics_values))
        with StatelessScope(state_mapping=mapping) as scope:
            logs = update_logs(loss, count)
        metrics_values = [scope.get_current_value(v) for v in model.metrics_variables]
        return logs, (trainable, non_trainable, optimizer_values, metrics_values)
    # TensorFlow and PyTorch trainers expect variables updated in place (and
    # TensorFlow's optimizers have no stateless_apply).
    (data,) = args
    grads, loss, count, non_trainable = gradients_fn(
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
        data,
    )
    model.optimizer.apply(grads, model.trainable_variables)
    for variable, value in zip(model.non_trainable_variables, non_trainable):
        variable.assign(value)
    return update_logs(loss, count)


# --- evaluation (evaluate_topk) ---


def computes_in_float64():
    """Whether float64 arrays keep float64 inside the backend's functions."""
    if backend() == "jax":
        # Without x64 mode JAX turns float64 inputs into float32.
        import jax

        return bool(jax.config.jax_enable_x64)
    return True
