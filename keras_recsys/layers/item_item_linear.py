"""A linear item-to-item map with a zero diagonal (EASE, SLIM)."""

import keras
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.layers.ItemItemLinear")
class ItemItemLinear(keras.layers.Layer):
    """Scores every item as a weighted sum of the items in a user's row.

    `outputs = inputs @ B` with an item x item matrix `B` whose diagonal is
    held at zero (an item never predicts itself), the model of EASE and
    SLIM. The diagonal is excluded in the computation itself
    (`inputs @ B - inputs * diag(B)`), so it stays zero whether `B` is set in
    closed form (`keras_recsys.models.build_ease`) or trained by gradient.
    The weight `item_weights` has `num_items ** 2` entries.

    Args:
        kernel_initializer: initializer of `B`. Defaults to `"zeros"`.
        kernel_regularizer: optional regularizer of `B`. Defaults to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, `trainable`, ...).

    Call inputs:
        inputs: float `(batch, num_items)`. Users' rows of the interaction
            matrix.

    Returns:
        `(batch, num_items)` scores, in the layer's compute dtype.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.ItemItemLinear(kernel_initializer="ones")
    layer(np.array([[1.0, 0.0, 1.0]]))  # [[1., 2., 1.]]: no self-term
    ```

    References:
        - Steck, 2019. Embarrassingly Shallow Autoencoders for Sparse Data.
          WWW.
        - Ning and Karypis, 2011. SLIM: Sparse Linear Methods for Top-N
          Recommender Systems. ICDM.
    """

    def __init__(self, kernel_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        num_items = input_shape[-1]
        if num_items is None:
            raise ValueError(
                "`ItemItemLinear` needs the number of items (the last axis) "
                f"known when built. Received: input_shape={tuple(input_shape)}"
            )
        self.item_weights = self.add_weight(
            name="item_weights",
            shape=(num_items, num_items),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        weights = ops.cast(self.item_weights, self.compute_dtype)
        return ops.matmul(x, weights) - x * ops.diagonal(weights)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
        }
