"""Backend branches of `keras_recsys.privacy`: per-example gradients, DP steps.

Re-exported by `keras_recsys.utils.backend_utils`, the one import path.
"""

import keras

# `loss_fn(params, example)` returns
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
    name = keras.backend.backend()
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


def sum_over_chunks(fn, chunks, init):
    """Returns `init + sum_c fn(chunk_c)` over the leading axis of `chunks`.

    `fn` maps one chunk (a tree of tensors) to a tree like `init`. JAX runs
    the chunks in a `lax.scan` so that the compiled program holds one chunk
    (an unrolled loop would compile one copy per chunk); TensorFlow runs a
    `tf.while_loop` (the number of chunks may be known only at run time),
    PyTorch a Python loop.
    """
    if keras.backend.backend() == "jax":
        # JAX: scan keeps one chunk's per-example gradients in memory and in
        # the compiled program.
        import jax

        def step(carry, chunk):
            return keras.tree.map_structure(lambda a, b: a + b, carry, fn(chunk)), None

        total, _ = jax.lax.scan(step, init, chunks)
        return total
    if keras.backend.backend() == "tensorflow":
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
    if keras.backend.backend() == "jax":
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
