import math

import keras
from keras import ops

from keras_recsys.privacy import _gradients
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int


def _check_clip(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isinf(value) and value > 0:
            return float(value)
    return check_float("l2_norm_clip", value, min_value=0.0, exclusive_min=True)


@keras_recsys_export("keras_recsys.privacy.DPModel")
class DPModel(keras.Model):
    """Wraps a Keras model so that `fit` trains it with DP-SGD.

    Each training step computes one gradient per example of the batch
    (vectorized: `jax.vmap` on JAX, `tf.vectorized_map` on TensorFlow,
    `torch.func.vmap` on PyTorch), clips each to L2 norm `l2_norm_clip`
    (the norm over all trainable variables together), sums them, adds
    Gaussian noise of standard deviation `noise_multiplier * l2_norm_clip`
    to every coordinate, divides by `expected_batch_size` and hands the
    result to the compiled optimizer. An example's gradient is that of the
    whole training loss (compiled loss plus the model's `losses`, such as a
    VAE's KL term and weight regularization) on a batch of that example
    alone. Dropout draws its own mask for each example.

    Compile and fit the wrapper as any model; it shares the wrapped model's
    variables, so the wrapped model is trained in place and can be saved or
    served on its own. The training logs carry the loss only (compiled
    metrics are computed by `evaluate`). Layers that mix the examples of a
    batch (batch normalization) see one example at a time here.

    The privacy guarantee needs Poisson-sampled batches
    (`keras_recsys.privacy.PoissonBatches` or, to protect users of pair
    data, `keras_recsys.privacy.UserGroupedBatches` with
    `grouped_examples=True`) and is reported by
    `keras_recsys.privacy.PrivacyBudget`. Rows whose sample weight is 0 are
    padding: they contribute nothing.

    Args:
        model: `keras.Model`. The model to train privately.
        l2_norm_clip: float > 0 or `float("inf")`. The clipping norm C.
            Infinity with `noise_multiplier=0` is ordinary (non-private)
            training with per-example gradients.
        noise_multiplier: float >= 0. sigma: the noise standard deviation
            is `noise_multiplier * l2_norm_clip`.
        expected_batch_size: int or `None`. The divisor of the noisy sum:
            with Poisson sampling, the expected batch size
            `sampling_probability * num_examples` (dividing by the realized
            size would reveal it). `None` divides by the number of real
            (non-padding) examples of the batch. Defaults to `None`.
        microbatch_size: int or `None`. Number of examples whose
            per-example gradients are held in memory at once; the batch is
            processed in chunks of this size (padded). `None` processes the
            whole batch at once. Defaults to `None`.
        grouped_examples: bool. When `True`, each element of the batch is a
            group of rows with shape `(groups, rows_per_group, ...)`, such as
            all the pairs of one user from `UserGroupedBatches`; the group is
            the unit that is clipped and protected. Defaults to `False`.
        seed: int or `None`. Seed of the noise. Defaults to `None`.
        **kwargs: passed to `keras.Model` (for instance `name`).

    Example:

    ```python
    import numpy as np
    import keras
    import keras_recsys

    x = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
    y = x @ np.ones((5, 1), dtype="float32")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    private = keras_recsys.privacy.DPModel(
        model, l2_norm_clip=1.0, noise_multiplier=1.1, expected_batch_size=16
    )
    private.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    batches = keras_recsys.privacy.PoissonBatches(x, y, sampling_probability=0.25)
    budget = keras_recsys.privacy.PrivacyBudget(
        noise_multiplier=1.1, sampling_probability=0.25, delta=1e-3
    )
    history = private.fit(batches, epochs=2, callbacks=[budget], verbose=0)
    # history.history["epsilon"]: the (epsilon, 1e-3) spent after each epoch
    ```

    References:
        - [Abadi et al., 2016. Deep Learning with Differential
          Privacy](https://arxiv.org/abs/1607.00133)
        - [McMahan et al., 2018. Learning Differentially Private Recurrent
          Language Models](https://arxiv.org/abs/1710.06963) (user-level
          DP by grouping each user's data)
    """

    def __init__(
        self,
        model,
        l2_norm_clip,
        noise_multiplier,
        expected_batch_size=None,
        microbatch_size=None,
        grouped_examples=False,
        seed=None,
        **kwargs,
    ):
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"`model` must be a keras.Model. Received: model={model!r} "
                f"(of type {type(model).__name__})"
            )
        l2_norm_clip = _check_clip(l2_norm_clip)
        noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0.0)
        if math.isinf(l2_norm_clip) and noise_multiplier > 0:
            raise ValueError(
                "`noise_multiplier` must be 0 when `l2_norm_clip` is infinite "
                f"(the noise would be infinite). Received: "
                f"noise_multiplier={noise_multiplier}"
            )
        if expected_batch_size is not None:
            expected_batch_size = check_positive_int(
                "expected_batch_size", expected_batch_size
            )
        if microbatch_size is not None:
            microbatch_size = check_positive_int("microbatch_size", microbatch_size)
        grouped_examples = check_bool("grouped_examples", grouped_examples)
        super().__init__(**kwargs)
        self.model = model
        self.l2_norm_clip = l2_norm_clip
        self.noise_multiplier = noise_multiplier
        self.expected_batch_size = expected_batch_size
        self.microbatch_size = microbatch_size
        self.grouped_examples = grouped_examples
        self.seed = seed
        self.noise_seed_generator = keras.random.SeedGenerator(seed)
        self._inspect_fns = {}

    def call(self, inputs, training=None):
        if not (self.grouped_examples and self._has_group_axis(inputs)):
            return self.model(inputs, training=training)
        # A batch of groups `(groups, rows, ...)` runs as one batch of rows.
        first = keras.tree.flatten(inputs)[0]
        groups, rows = ops.shape(first)[0], ops.shape(first)[1]
        flat = keras.tree.map_structure(
            lambda t: ops.reshape(t, (-1,) + tuple(t.shape[2:])), inputs
        )
        outputs = self.model(flat, training=training)
        return keras.tree.map_structure(
            lambda t: ops.reshape(t, (groups, rows) + tuple(t.shape[1:])), outputs
        )

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        outputs = getattr(self.model, "outputs", None)
        if (
            self.grouped_examples
            and outputs
            and len(keras.tree.flatten(y_pred)[0].shape) == len(outputs[0].shape) + 1
        ):
            # Batches of groups (evaluate, or Keras building the loss): the
            # loss of `(groups, rows, ...)` is that of the rows.
            def merge(t):
                return None if t is None else ops.reshape(t, (-1,) + tuple(t.shape[2:]))

            y = keras.tree.map_structure(merge, y)
            y_pred = keras.tree.map_structure(merge, y_pred)
            sample_weight = merge(sample_weight)
        return super().compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )

    def _has_group_axis(self, inputs):
        references = getattr(self.model, "inputs", None)
        if not references:
            return False
        if isinstance(inputs, dict):
            by_name = {r.name: r for r in references}
            pairs = [(inputs[k], by_name[k]) for k in inputs if k in by_name]
        else:
            pairs = list(zip(keras.tree.flatten(inputs), references))
        return bool(pairs) and all(len(t.shape) == len(r.shape) + 1 for t, r in pairs)

    def build(self, input_shape=None):
        # The wrapped model is built already; nothing of our own to create.
        self.built = True

    # ------------------------------------------------------------------
    # The private step.

    def _default_weights(self, y):
        first = keras.tree.flatten(y)[0]
        shape = ops.shape(first)[:2] if self.grouped_examples else ops.shape(first)[:1]
        return ops.ones(shape, "float32")

    def _clipped_sum(self, trainable, non_trainable, x, y, w):
        """Sum of clipped per-example gradients, loss sum, example count
        and the non-trainable values after the forward pass."""
        clip = self.l2_norm_clip
        grouped = self.grouped_examples

        def chunk_fn(chunk):
            cx, cy, cw, ci = chunk
            grads, losses, aux = _gradients.per_example_gradients(
                self, trainable, non_trainable, cx, cy, cw, ci, grouped
            )
            mask = _gradients.example_mask(cw, grouped)
            factors = _gradients.clip_factors(grads, clip) * mask
            sums = _gradients.weighted_sum(grads, factors)
            return (
                sums,
                ops.sum(ops.cast(losses, "float32") * mask),
                ops.sum(mask),
            ), aux

        n = ops.shape(keras.tree.flatten(x)[0])[0]
        examples = (x, y, w, ops.arange(n))
        if self.microbatch_size is None:
            return chunk_fn(examples)
        size = self.microbatch_size
        pad = (size - n % size) % size

        def pad_and_split(t):
            t = ops.convert_to_tensor(t)
            zeros = ops.zeros((pad,) + tuple(t.shape[1:]), dtype=t.dtype)
            t = ops.concatenate([t, zeros], axis=0)
            return ops.reshape(t, (-1, size) + tuple(t.shape[1:]))

        chunks = keras.tree.map_structure(pad_and_split, examples)
        # Padded rows have weight 0 but need distinct indices for their seeds.
        chunks = chunks[:3] + (ops.reshape(ops.arange(n + pad), (-1, size)),)
        first = keras.tree.map_structure(lambda t: t[0], chunks)
        rest = keras.tree.map_structure(lambda t: t[1:], chunks)
        init, aux = chunk_fn(first)
        total = backend_utils.sum_over_chunks(lambda c: chunk_fn(c)[0], rest, init)
        return total, aux

    def _noisy_gradients(self, trainable, non_trainable, x, y, w):
        (sums, loss_sum, count), new_non_trainable = self._clipped_sum(
            trainable, non_trainable, x, y, w
        )
        if self.expected_batch_size is not None:
            denominator = float(self.expected_batch_size)
        else:
            denominator = ops.maximum(count, 1.0)
        position = next(
            i
            for i, v in enumerate(self.non_trainable_variables)
            if v is self.noise_seed_generator.state
        )
        state = self.noise_seed_generator.state
        std = self.noise_multiplier * self.l2_norm_clip
        with keras.StatelessScope(
            state_mapping=[(state, non_trainable[position])]
        ) as scope:
            grads = []
            for g in sums:
                if std > 0:
                    noise = keras.random.normal(
                        tuple(g.shape), seed=self.noise_seed_generator, dtype=g.dtype
                    )
                    g = g + std * noise
                grads.append(g / ops.cast(denominator, g.dtype))
        new_non_trainable = list(new_non_trainable)
        new_non_trainable[position] = scope.get_current_value(state)
        loss = loss_sum / ops.maximum(count, 1.0)
        return grads, loss, count, new_non_trainable

    def _gradients_from_data(self, trainable, non_trainable, data):
        x, y, w = keras.utils.unpack_x_y_sample_weight(data)
        if w is None:
            w = self._default_weights(y)
        x, y, w = keras.tree.map_structure(ops.convert_to_tensor, (x, y, w))
        return self._noisy_gradients(trainable, non_trainable, x, y, w)

    def _update_logs(self, loss, count):
        # The loss shown in the logs: the mean over the epoch's real examples.
        self._loss_tracker.update_state(loss, sample_weight=count)
        return {"loss": self._loss_tracker.result()}

    def train_step(self, *args):
        return backend_utils.run_private_train_step(
            self, self._gradients_from_data, self._update_logs, args
        )

    # ------------------------------------------------------------------
    # Inspection.

    def per_example_gradients(self, x, y, sample_weight=None, clipped=True):
        """Returns each example's gradient, clipped to `l2_norm_clip` or not.

        Args:
            x: the inputs of a batch.
            y: its targets.
            sample_weight: optional weights (0 marks padding).
            clipped: bool. Whether to clip each gradient. Defaults to `True`.

        Returns:
            A list with one array per trainable variable, each with a leading
            axis of one entry per example (or group).
        """
        w = self._default_weights(y) if sample_weight is None else sample_weight
        x, y, w = keras.tree.map_structure(ops.convert_to_tensor, (x, y, w))
        key = "clipped" if clipped else "raw"
        if key not in self._inspect_fns:
            self._inspect_fns[key] = backend_utils.compile_function(
                lambda *args: self._per_example_gradients(*args, clipped=clipped)
            )
        grads = self._inspect_fns[key](
            [v.value for v in self.trainable_variables],
            [v.value for v in self.non_trainable_variables],
            x,
            y,
            w,
        )
        return [ops.convert_to_numpy(g) for g in grads]

    def _per_example_gradients(self, trainable, non_trainable, x, y, w, clipped):
        n = ops.shape(keras.tree.flatten(x)[0])[0]
        grads, _, _ = _gradients.per_example_gradients(
            self,
            trainable,
            non_trainable,
            x,
            y,
            w,
            ops.arange(n),
            self.grouped_examples,
        )
        if clipped:
            factors = _gradients.clip_factors(grads, self.l2_norm_clip)
            grads = [
                g * ops.reshape(ops.cast(factors, g.dtype), (-1,) + (1,) * (g.ndim - 1))
                for g in grads
            ]
        return grads

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "model": keras.saving.serialize_keras_object(self.model),
            "l2_norm_clip": self.l2_norm_clip,
            "noise_multiplier": self.noise_multiplier,
            "expected_batch_size": self.expected_batch_size,
            "microbatch_size": self.microbatch_size,
            "grouped_examples": self.grouped_examples,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["model"] = keras.saving.deserialize_keras_object(config["model"])
        return cls(**config)
