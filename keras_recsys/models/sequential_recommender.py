import copy

import keras
from keras import ops

from keras_recsys.layers.last_real_position import gather_positions
from keras_recsys.layers.last_real_position import last_real_index
from keras_recsys.layers.tied_item_embedding import TiedItemEmbedding
from keras_recsys.models.built_model import BuiltModel
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.models.SequentialRecommender")
class SequentialRecommender(BuiltModel):
    """A next-item model that trains and recommends as one object.

    A functional model (built like `keras.Model(inputs, outputs)`) whose
    output is a `keras_recsys.layers.TiedItemEmbedding` called with
    `mode="next_item"`: `predict`, `evaluate` and plain calls give the
    logits `(batch, num_items)` of each sequence's last real position, and
    training steps score every position. `build_sasrec`, `build_gru4rec`
    and `build_caser` return one; it saves and loads as one `.keras` file.
    It is a `keras_recsys.models.BuiltModel`, so it also checks numpy id
    inputs before Keras casts them and saves a portable compile config.

    Targets and metrics: `fit` takes per-position targets `(batch, steps)`
    (0 = no target), or one next item per sequence `(batch,)` (then only the
    last real position is trained). Compiled metrics see the last position that has a
    target, i.e. logits `(batch, num_items)` and targets `(batch,)`, in
    `fit` as in `evaluate`. `evaluate` takes either the next item of each
    sequence `(batch,)` or per-position targets `(batch, steps)` (then the
    loss is the per-position one, without dropout). With
    `training_output="states"` compiled metrics are computed by `evaluate`
    only (a training step returns vectors, not catalog scores).

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    sequence = keras.Input(shape=(4,), dtype="int32", name="item_sequence")
    items = keras_recsys.layers.TiedItemEmbedding(11, 8, mask_zero=True)
    states = keras_recsys.layers.RNNSequenceEncoder(8, return_sequences=True)(
        items(sequence)
    )
    model = keras_recsys.models.SequentialRecommender(
        sequence, items(states, mode="next_item")
    )
    logits = model.predict(np.array([[0, 1, 2, 3]]), verbose=0)  # (1, 11)
    ```
    """

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # Keras's functional revival edits the config it is given.
        return super().from_config(copy.deepcopy(config), custom_objects)

    def _check_lengths(self, x):
        # Checked before Keras's loop: on JAX an error raised while tracing
        # the step would leave the model's variables purged.
        if isinstance(x, dict):
            items = [(k, x[k]) for k in x]
        elif hasattr(x, "shape"):
            items = [(self.inputs[0].name, x)]
        else:
            return  # datasets and generators: checked by the layers.
        expected = {t.name: t.shape for t in self.inputs}
        for name, value in items:
            shape = getattr(value, "shape", None)
            want = expected.get(name)
            if shape is None or want is None or len(shape) != len(want):
                continue
            for got, dim in zip(tuple(shape)[1:], want[1:]):
                if dim is not None and int(got) != dim:
                    raise ValueError(
                        f"`{name}` must have shape (batch, {', '.join(map(str, want[1:]))})"
                        f". Received: shape={tuple(shape)}"
                    )

    def fit(self, x=None, y=None, *args, **kwargs):
        self._check_lengths(x)
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        self._check_lengths(x)
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self._check_lengths(x)
        return super().predict(x, *args, **kwargs)

    def _head(self):
        if len(self.outputs) != 1 or self.outputs[0].shape[-1] is None:
            return None
        tables = [x for x in self.layers if isinstance(x, TiedItemEmbedding)]
        if len(tables) != 1 or tables[0].input_dim != self.outputs[0].shape[-1]:
            return None
        return tables[0]

    def _per_position_targets(self, y, y_pred):
        # Per-position targets (batch, steps) beside last-position logits
        # (batch, num_items): Keras builds the loss on the inference output.
        head = self._head()
        return (
            head is not None
            and len(ops.shape(y)) == 2
            and len(ops.shape(y_pred)) == 2
            and "int" in keras.backend.standardize_dtype(y.dtype)
        )

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        if y is not None and self._per_position_targets(y, y_pred):
            with self._head().every_position():
                y_pred = self(x, training=training)
        elif self._one_target_per_sequence(y, y_pred):
            y_pred = self._at_last_input(x, y_pred)
        return super().compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )

    def _one_target_per_sequence(self, y, y_pred):
        # Targets (batch,) beside the per-position output of a training step.
        return (
            y is not None
            and self._head() is not None
            and len(ops.shape(y)) == 1
            and len(ops.shape(y_pred)) == 3
        )

    def _at_last_input(self, x, y_pred):
        sequence = x[self.inputs[0].name] if isinstance(x, dict) else x
        index = last_real_index(ops.not_equal(sequence, 0), ops.shape(sequence)[1])
        return gather_positions(y_pred, index)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if self._one_target_per_sequence(y, y_pred):
            y_pred = self._at_last_input(x, y_pred)
            if ops.shape(y_pred)[-1] != self._head().input_dim:
                return self.get_metrics_result()  # vectors: see below
        elif y is not None and self._head() is not None and len(ops.shape(y)) == 2:
            index = last_real_index(ops.not_equal(y, 0), ops.shape(y)[1])
            if len(ops.shape(y_pred)) == 3:
                y_pred = gather_positions(y_pred, index)
                if ops.shape(y_pred)[-1] != self._head().input_dim:
                    # training_output="states": the catalog cannot be scored
                    # here (JAX updates metrics apart from the model's
                    # variables); compiled metrics wait for `evaluate`.
                    return self.get_metrics_result()
            if sample_weight is not None and len(ops.shape(sample_weight)) == 2:
                sample_weight = gather_positions(
                    ops.expand_dims(sample_weight, -1), index
                )[:, 0]
            y = gather_positions(ops.expand_dims(y, -1), index)[:, 0]
        return super().compute_metrics(x, y, y_pred, sample_weight=sample_weight)
