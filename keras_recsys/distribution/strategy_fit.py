import keras

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.distribution.strategy_fit")
def strategy_fit(model, dataset, epochs=1, steps_per_epoch=None):
    """Trains a compiled model under the current `tf.distribute` strategy.

    A stand-in for `model.fit` on the TensorFlow backend where Keras 3.15's
    `fit` does not run: under `tf.distribute.MultiWorkerMirroredStrategy`
    its symbolic build and its reduction of the logs fail. Each step is
    Keras's own `model.train_step`, run on every replica by
    `strategy.run` (gradients all-reduced by the optimizer as in `fit`);
    nothing of the distribution is ours. Under `MirroredStrategy`, use
    `model.fit`, which works and gives the same result.

    Build and compile the model inside `strategy.scope()`, then call this
    (inside or outside the scope) with:

    - a `tf.data.Dataset` of global batches: `tf.distribute` shards it over
      the workers (its auto-shard policy) and splits each batch over the
      replicas; or
    - a function `input_context -> tf.data.Dataset` of per-replica batches,
      for data that each worker reads by itself (for instance the Parquet
      shards of `keras_recsys.data.ParquetInteractionDataset` with
      `worker_index=input_context.input_pipeline_id`).

    Args:
        model: a compiled `keras.Model` built in the strategy's scope.
        dataset: a `tf.data.Dataset` or a function of an input context, as
            above, yielding `(x, y)` or `(x, y, sample_weight)`.
        epochs: int. Passes over the data. Defaults to `1`.
        steps_per_epoch: int or None. Steps per pass. Defaults to `None`
            (until the data runs out).

    Returns:
        A dict `{"loss": [...], ...}`: per epoch, the last step's logs
        (running means over the epoch) averaged over the replicas.

    Example:

    ```python
    import keras
    import numpy as np
    import tensorflow as tf
    import keras_recsys

    if keras.backend.backend() == "tensorflow":
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        data = tf.data.Dataset.from_tensor_slices(
            (np.ones((8, 3), "float32"), np.ones((8, 1), "float32"))
        ).batch(4)
        history = keras_recsys.distribution.strategy_fit(model, data, epochs=2)
    ```
    """
    if keras.backend.backend() != "tensorflow":
        raise ValueError(
            "`strategy_fit` runs tf.distribute strategies, on the TensorFlow "
            "backend; on JAX use `model.fit` under keras.distribution. "
            f"Received backend: {keras.backend.backend()!r}"
        )
    if not isinstance(model, keras.Model) or getattr(model, "optimizer", None) is None:
        raise ValueError(f"`model` must be a compiled keras.Model. Received: {model!r}")
    epochs = check_positive_int("epochs", epochs)
    if steps_per_epoch is not None:
        steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
    return backend_utils.strategy_fit(model, dataset, epochs, steps_per_epoch)
