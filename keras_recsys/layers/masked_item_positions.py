import keras

from keras_recsys.layers.append_mask_token import is_history_layout
from keras_recsys.layers.last_real_position import LastRealPosition
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.layers.MaskedItemPositions")
class MaskedItemPositions(LastRealPosition):
    """The encoder outputs a masked-item model scores (BERT4Rec).

    The companion of `keras_recsys.layers.AppendMaskToken`, told the layout
    by the model's input ids: for the masked layout (ids `(batch,
    max_len)`) every position's vector passes, `(batch, max_len, dim)`
    with its mask (the loss weighs the hidden positions); for a history
    (ids `(batch, steps)`, `steps < max_len`) the vector at the appended
    `[MASK]` token, the last real position, `(batch, dim)`.

    Args:
        max_len: int. Length of the masked layout.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: the list `[states, ids]`: float `(batch, steps', dim)`
            encoder outputs and the int model input `(batch, steps)`.
        mask: optional mask of `states`, True at real positions.

    Returns:
        `(batch, max_len, dim)` for the masked layout, else `(batch, dim)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    states = np.arange(12, dtype="float32").reshape(1, 4, 3)
    layer = keras_recsys.layers.MaskedItemPositions(max_len=4)
    last = layer([states, np.zeros((1, 3), "int32")])  # (1, 3): a history
    every = layer([states, np.zeros((1, 4), "int32")])  # (1, 4, 3): masked
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
    """

    def __init__(self, max_len, **kwargs):
        self.max_len = check_positive_int("max_len", max_len)
        super().__init__(**kwargs)

    def call(self, inputs, mask=None):
        states, ids = inputs
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if not is_history_layout(ids.shape[1], self.max_len, "ids"):
            return keras.ops.cast(states, self.compute_dtype)
        return super().call(states, mask=mask)

    def compute_mask(self, inputs, mask=None):
        states, ids = inputs
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if is_history_layout(ids.shape[1], self.max_len, "ids"):
            return None
        return mask

    def compute_output_shape(self, input_shape):
        states, ids = input_shape
        if is_history_layout(ids[1], self.max_len, "ids"):
            return (states[0], states[2])
        return tuple(states)

    def get_config(self):
        config = super().get_config()
        config["max_len"] = self.max_len
        return config
