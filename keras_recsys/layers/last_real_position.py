import keras
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export


def last_real_index(mask, length):
    """Index of the last True position of each row of `mask` (0 if none)."""
    positions = ops.arange(length, dtype="int32")
    masked = ops.where(mask, positions, ops.zeros_like(positions))
    return ops.max(masked, axis=1)


def gather_positions(sequence, index):
    """`sequence[b, index[b]]` for each row `b`: (batch, T, d) -> (batch, d)."""
    index = ops.reshape(ops.cast(index, "int32"), (-1, 1, 1))
    return ops.squeeze(ops.take_along_axis(sequence, index, axis=1), axis=1)


@keras_recsys_export("keras_recsys.layers.LastRealPosition")
class LastRealPosition(keras.layers.Layer):
    """Gathers the vector at the last real (unmasked) position of a sequence.

    With left padding the last real item is the last position; with right
    padding it is the position before the padding begins. This layer reads
    the mask to find it, so both layouts give the same result. A row with no
    real position gives the vector at position 0. Without a mask, the last
    position is taken.

    Call arguments:
        inputs: float tensor `(batch, steps, dim)`.
        mask: optional boolean tensor `(batch, steps)`, True at real
            positions (set automatically by an embedding with
            `mask_zero=True`).

    Returns:
        A tensor `(batch, dim)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ids = np.array([[0, 0, 4, 2], [4, 2, 0, 0]])
    items = keras_recsys.layers.IdEmbedding(5, 3, mask_zero=True)
    last = keras_recsys.layers.LastRealPosition()(items(ids))  # (2, 3)
    # Both rows read the vector of item 2.
    ```
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        length = ops.shape(inputs)[1]
        if mask is None:
            index = ops.full((ops.shape(inputs)[0],), length - 1, dtype="int32")
        else:
            index = last_real_index(ops.cast(mask, "bool"), length)
        return ops.cast(gather_positions(inputs, index), self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])
