import keras
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool


@keras_recsys_export("keras_recsys.layers.FactorizationMachine")
class FactorizationMachine(keras.layers.Layer):
    """Second-order interactions of field embeddings, in linear time.

    For field embeddings `v_1 .. v_F` (each of size `d`) it computes the sum
    over all pairs `i < j` of `<v_i, v_j>` with Rendle's identity
    `0.5 * sum_d((sum_i v_i)^2 - sum_i v_i^2)`, which costs `O(F * d)`
    instead of `O(F^2 * d)`. The layer has no weights: the field embeddings
    (and the first-order terms) come from the layers before it.

    Args:
        reduce_sum: bool. If `True`, sum over the embedding dimension and
            return one value per example; if `False`, return the `d`
            interaction components (DeepFM's and NFM's "bi-interaction"
            vector). Defaults to `True`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor of shape `(batch, num_fields, embedding_dim)`.

    Returns:
        A tensor of shape `(batch, 1)` if `reduce_sum`, else
        `(batch, embedding_dim)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    fields = np.random.rand(2, 5, 8).astype("float32")  # 5 fields of size 8
    fm = keras_recsys.layers.FactorizationMachine()
    interaction = fm(fields)  # shape (2, 1)
    ```

    References:
        - Rendle, "Factorization Machines", ICDM 2010.
        - Guo et al., "DeepFM: A Factorization-Machine based Neural Network
          for CTR Prediction", IJCAI 2017.
    """

    def __init__(self, reduce_sum=True, **kwargs):
        reduce_sum = check_bool("reduce_sum", reduce_sum)
        super().__init__(**kwargs)
        self.reduce_sum = reduce_sum

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f"{self.name} takes field embeddings of shape (batch, num_fields, "
                f"embedding_dim). Received shape {tuple(input_shape)}"
            )
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        square_of_sum = ops.square(ops.sum(x, axis=1))
        sum_of_squares = ops.sum(ops.square(x), axis=1)
        out = 0.5 * (square_of_sum - sum_of_squares)
        if self.reduce_sum:
            out = ops.sum(out, axis=-1, keepdims=True)
        return out

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1 if self.reduce_sum else input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update({"reduce_sum": self.reduce_sum})
        return config
