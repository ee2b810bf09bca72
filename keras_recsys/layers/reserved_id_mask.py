"""Gives the reserved id's column of catalog scores a very negative value."""

import keras
from keras import ops

from keras_recsys.layers.tied_item_embedding import large_negative
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_non_negative_int
from keras_recsys.utils.validation import fail


@keras_recsys_export("keras_recsys.layers.ReservedIdMask")
class ReservedIdMask(keras.layers.Layer):
    """Sets the columns of reserved ids in catalog scores to `-1e9`.

    Score matrices over the catalog have one column per item code, and code
    0 is reserved (padding, unknown ids; see `docs/concepts.md`). This layer
    replaces the given columns (by default column 0) with a very large
    negative value (`-1e9`, or `-3e4` in float16), so they are never
    recommended, take no probability under a softmax and add nothing to a
    logistic loss whose target there is 0. Builders that output scores over
    the catalog end with it.

    Args:
        columns: sequence of int. The columns to mask. Defaults to `(0,)`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call inputs:
        inputs: float `(..., num_items)` scores.

    Returns:
        The scores with the given columns masked, same shape, in the layer's
        compute dtype.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.ReservedIdMask()
    layer(np.array([[0.5, 0.1, 0.3]]))  # [[-1e9, 0.1, 0.3]]
    ```
    """

    def __init__(self, columns=(0,), **kwargs):
        if not isinstance(columns, (list, tuple)):
            fail("columns", "a sequence of non-negative integers", columns, TypeError)
        columns = tuple(
            check_non_negative_int(f"columns[{i}]", c) for i, c in enumerate(columns)
        )
        super().__init__(**kwargs)
        self.columns = columns

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        num_columns = ops.shape(x)[-1]
        reserved = ops.zeros((num_columns,), dtype="bool")
        for column in self.columns:
            reserved = ops.logical_or(reserved, ops.arange(num_columns) == column)
        return ops.where(reserved, ops.cast(large_negative(x.dtype), x.dtype), x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "columns": list(self.columns)}
