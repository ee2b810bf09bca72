import keras
from keras import ops

from keras_recsys.layers.last_real_position import last_real_index
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


def is_history_layout(steps, max_len, name="inputs"):
    """True for `steps < max_len` (a history), False for `max_len` (masked)."""
    if steps is None:  # a symbolic graph of any length: declare the history
        return True
    if steps > max_len:
        raise ValueError(f"`{name}` has {steps} steps, more than max_len={max_len}.")
    return steps < max_len


@keras_recsys_export("keras_recsys.layers.AppendMaskToken")
class AppendMaskToken(keras.layers.Layer):
    """Appends a `[MASK]` token after each history's last item (BERT4Rec).

    A masked-item model reads sequences of `max_len` positions. Two layouts
    are told apart by their static length:

    - `(batch, max_len)`, the masked layout of training and evaluation: the
      sequences already hold `[MASK]` tokens where items were hidden; they
      pass unchanged.
    - `(batch, steps)` with `steps < max_len`, a history: one column is
      added and a `[MASK]` token put right after the last real (non-zero)
      id of each row (at position 0 of a row without items), giving
      `(batch, steps + 1)`. The model's output at that token scores the
      next item.

    Args:
        mask_token_id: int. The id of the `[MASK]` token (`num_items` with
            `keras_recsys.layers.MaskedItemEmbedding`).
        max_len: int. Length of the masked layout.
        **kwargs: base layer arguments (`name`, ...).

    Call arguments:
        inputs: int tensor `(batch, steps)` of item ids, 0 for padding, with
            `steps <= max_len`.

    Returns:
        An int32 tensor `(batch, max_len)` or `(batch, steps + 1)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    layer = keras_recsys.layers.AppendMaskToken(mask_token_id=9, max_len=4)
    layer(np.array([[0, 3, 5], [3, 5, 0]]))  # [[0, 3, 5, 9], [3, 5, 9, 0]]
    layer(np.array([[3, 9, 5, 1]]))           # unchanged: the masked layout
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
    """

    def __init__(self, mask_token_id, max_len, **kwargs):
        self.mask_token_id = check_positive_int("mask_token_id", mask_token_id)
        self.max_len = check_positive_int("max_len", max_len)
        kwargs.setdefault("dtype", "int32")
        super().__init__(**kwargs)

    def call(self, inputs):
        ids = ops.cast(inputs, "int32")
        if not is_history_layout(ids.shape[1], self.max_len):
            return ids
        ids = ops.concatenate([ids, ops.zeros_like(ids[:, :1])], axis=1)
        steps = ops.shape(ids)[1]
        real = ops.not_equal(ids, 0)
        has_real = ops.any(real, axis=1, keepdims=True)
        last = ops.expand_dims(last_real_index(real, steps), 1)
        slot = ops.where(has_real, last + 1, 0)
        here = ops.equal(ops.expand_dims(ops.arange(steps, dtype="int32"), 0), slot)
        return ops.where(here, self.mask_token_id, ids)

    def compute_output_spec(self, inputs):
        steps = inputs.shape[1]
        if is_history_layout(steps, self.max_len):
            steps = None if steps is None else steps + 1
        return keras.KerasTensor((inputs.shape[0], steps), dtype="int32")

    def get_config(self):
        config = super().get_config()
        config.update({"mask_token_id": self.mask_token_id, "max_len": self.max_len})
        return config
