import keras
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.layers.CrossNetwork")
class CrossNetwork(keras.layers.Layer):
    """A stack of DCN-v2 cross layers: explicit, bounded-degree interactions.

    Layer `l` computes `x_{l+1} = x_0 * (W_l x_l + b_l) + x_l`, where `*` is
    the element-wise product and `x_0` the input; `num_layers` layers model
    feature crosses up to degree `num_layers + 1`. With `projection_dim`, each
    `W_l` is the low-rank product `U_l V_l` (DCN-v2's low-rank form), which
    cuts the parameters per layer from `d^2` to `2 * d * r`.

    Args:
        num_layers: int. Number of cross layers. Defaults to `2`.
        projection_dim: optional int. Rank of the low-rank `W_l`; `None` for
            a full `d x d` matrix. Defaults to `None`.
        use_bias: bool. Whether each layer has the bias `b_l`. Defaults to
            `True`.
        kernel_initializer: initializer of the kernels. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer of the biases. Defaults to `"zeros"`.
        kernel_regularizer: optional regularizer of the kernels.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor of shape `(batch, d)` (the concatenated feature
            embeddings).

    Returns:
        A tensor of shape `(batch, d)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    x = np.random.rand(4, 12).astype("float32")
    cross = keras_recsys.layers.CrossNetwork(num_layers=3, projection_dim=4)
    y = cross(x)  # shape (4, 12)
    ```

    References:
        - Wang et al., "DCN V2: Improved Deep & Cross Network and Practical
          Lessons for Web-scale Learning to Rank Systems", WWW 2021.
    """

    def __init__(
        self,
        num_layers=2,
        projection_dim=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        **kwargs,
    ):
        num_layers = check_positive_int("num_layers", num_layers)
        if projection_dim is not None:
            projection_dim = check_positive_int("projection_dim", projection_dim)
        use_bias = check_bool("use_bias", use_bias)
        super().__init__(**kwargs)
        self.num_layers = num_layers
        self.projection_dim = projection_dim
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                f"{self.name} takes inputs of shape (batch, d) with a known d. "
                f"Received shape {tuple(input_shape)}"
            )
        dim = input_shape[-1]
        self.kernels_u = []
        self.kernels_v = []
        self.biases = []
        for i in range(self.num_layers):
            if self.projection_dim is None:
                self.kernels_u.append(
                    self.add_weight(
                        name=f"kernel_{i}",
                        shape=(dim, dim),
                        initializer=self.kernel_initializer,
                        regularizer=self.kernel_regularizer,
                    )
                )
            else:
                self.kernels_u.append(
                    self.add_weight(
                        name=f"kernel_down_{i}",
                        shape=(dim, self.projection_dim),
                        initializer=self.kernel_initializer,
                        regularizer=self.kernel_regularizer,
                    )
                )
                self.kernels_v.append(
                    self.add_weight(
                        name=f"kernel_up_{i}",
                        shape=(self.projection_dim, dim),
                        initializer=self.kernel_initializer,
                        regularizer=self.kernel_regularizer,
                    )
                )
            if self.use_bias:
                self.biases.append(
                    self.add_weight(
                        name=f"bias_{i}",
                        shape=(dim,),
                        initializer=self.bias_initializer,
                    )
                )
        self.built = True

    def call(self, inputs):
        x0 = ops.cast(inputs, self.compute_dtype)
        x = x0
        for i in range(self.num_layers):
            h = ops.matmul(x, ops.cast(self.kernels_u[i], self.compute_dtype))
            if self.projection_dim is not None:
                h = ops.matmul(h, ops.cast(self.kernels_v[i], self.compute_dtype))
            if self.use_bias:
                h = h + ops.cast(self.biases[i], self.compute_dtype)
            x = x0 * h + x
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_layers": self.num_layers,
                "projection_dim": self.projection_dim,
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(
                    self.kernel_regularizer
                ),
            }
        )
        return config
