"""Backend branches of `keras_recsys.distribution` and cross-replica losses.

Re-exported by `keras_recsys.utils.backend_utils`, the one import path.
"""

import keras


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
    if keras.backend.backend() != "tensorflow":
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
    if keras.backend.backend() == "tensorflow":
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
