import keras
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_id_range
from keras_recsys.utils.validation import check_integer_ids
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.layers.IdEmbedding")
class IdEmbedding(keras.layers.Layer):
    """An embedding table for integer ids that never reads a wrong row.

    Keras's `Embedding` gives backend-dependent results for ids out of range:
    JAX returns NaN rows for ids past the end and wraps -1 to the last row,
    TensorFlow on GPU returns zeros. `IdEmbedding` holds `input_dim` rows for
    the ids `0 .. input_dim - 1` plus one reserved out-of-vocabulary (OOV) row.

    - Ids must have an integer dtype: float (2.7 would be truncated to
      another id; NaN would read row 0), bool and string ids are a
      `TypeError` naming the argument, on every backend and also when a
      graph is traced (the dtype is known then).
    - In eager calls (the layer called directly, `run_eagerly=True`, and
      PyTorch's default training loop) an id out of range raises a
      `ValueError` that names the offending id and `input_dim`. The range is
      compared in the ids' own dtype: an int64 id of 2**32 + j is out of
      range, never wrapped to the id j.
    - Inside compiled graphs (`tf.function`, `jax.jit`, the default
      `fit`/`predict` on TensorFlow and JAX), where values cannot be read, an
      id out of range reads the OOV row instead, identically on every backend.
    - A model's `keras.Input(dtype="int32")` casts what `predict` receives
      before this layer sees it (an int64 id of 2**32 + j arrives as j):
      check raw ids at the model boundary with
      `keras_recsys.utils.validation.check_model_ids`.

    With `mask_zero=True`, id 0 is padding: the layer emits a mask that is
    False where the id is 0, and downstream mask-aware layers ignore those
    positions.

    Args:
        input_dim: int. Number of valid ids (ids are `0 .. input_dim - 1`).
        output_dim: int. Size of each embedding vector.
        mask_zero: bool. Whether id 0 is padding and produces a mask.
            Defaults to `False`.
        embeddings_initializer: initializer of the table. Defaults to
            `"uniform"` (as `keras.layers.Embedding`).
        embeddings_regularizer: optional regularizer of the table.
        embeddings_constraint: optional constraint of the table.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: integer tensor of ids, any shape.

    Returns:
        A float tensor of shape `inputs.shape + (output_dim,)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.IdEmbedding(input_dim=10, output_dim=4)
    vectors = layer(np.array([[1, 2], [3, 9]]))  # shape (2, 2, 4)
    ```
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        mask_zero=False,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        **kwargs,
    ):
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        mask_zero = check_bool("mask_zero", mask_zero)
        super().__init__(**kwargs)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.embeddings_regularizer = keras.regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = keras.constraints.get(embeddings_constraint)

    @property
    def oov_index(self):
        """The row that ids out of range read in compiled graphs."""
        return self.input_dim

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim + 1, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if type(self).call is IdEmbedding.call:
            # Check the caller's values before Keras converts them (JAX
            # without x64 would first wrap an int64 id of 2**32 to int32).
            self.check_ids(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def check_ids(self, ids, name="inputs"):
        """Checks ids: an integer dtype always, the range when concrete.

        Float, bool and string ids are a `TypeError` (also when tracing: the
        dtype is known then); concrete ids out of `0..input_dim - 1` a
        `ValueError` naming the id and `input_dim`.
        """
        check_integer_ids(name, ids)
        if backend_utils.is_concrete(ids):
            check_id_range(name, backend_utils.to_numpy(ids), self.input_dim, self.name)

    def lookup_ids(self, inputs):
        """Returns the table rows that `inputs` read, OOV for bad ids."""
        self.check_ids(inputs)
        ids = ops.convert_to_tensor(inputs)
        # Compared in the ids' own dtype: casting first would wrap an int64
        # id of 2**32 + j to the valid id j.
        valid = ops.logical_and(ids >= 0, ids < self.input_dim)
        return ops.where(valid, ops.cast(ids, "int32"), self.oov_index)

    def call(self, inputs):
        outputs = ops.take(self.embeddings, self.lookup_ids(inputs), axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "mask_zero": self.mask_zero,
                "embeddings_initializer": keras.initializers.serialize(
                    self.embeddings_initializer
                ),
                "embeddings_regularizer": keras.regularizers.serialize(
                    self.embeddings_regularizer
                ),
                "embeddings_constraint": keras.constraints.serialize(
                    self.embeddings_constraint
                ),
            }
        )
        return config
