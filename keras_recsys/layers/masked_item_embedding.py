import numpy as np

from keras_recsys.layers.tied_item_embedding import TiedItemEmbedding
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.layers.MaskedItemEmbedding")
class MaskedItemEmbedding(TiedItemEmbedding):
    """A tied item embedding with a reserved `[MASK]` token (BERT4Rec).

    The same as `keras_recsys.layers.TiedItemEmbedding` with `input_dim =
    num_items` (ids `0..num_items - 1`, 0 the padding), plus one token id,
    `mask_token_id == num_items`, that stands for a hidden item. It embeds to
    the reserved extra row of the table (the row that ids out of range read
    in compiled graphs) and is never scored: `mode="logits"` gives exactly
    `num_items` columns, column 0 at `-1e9`. With `mask_zero=True` the
    `[MASK]` token is a real position (only id 0 is padding).

    Args:
        input_dim: int. Size of the item table, `num_items` (the
            `vocabulary_size` of `keras_recsys.data.IdEncoder`).
        output_dim: int. Size of each embedding vector.
        mask_zero: bool. Whether id 0 is padding and produces a mask.
            Defaults to `False`.
        **kwargs: the other arguments of `TiedItemEmbedding`
            (initializer, regularizer, constraint, `name`, `dtype`, ...).

    Call arguments:
        inputs: ids `0..num_items` (`embed`), vectors (`logits`), or
            `[vectors, candidate_ids]` (`candidates`).
        mode: str. One of `"embed"`, `"logits"`, `"candidates"`. Defaults to
            `"embed"`.

    Returns:
        As `TiedItemEmbedding`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    items = keras_recsys.layers.MaskedItemEmbedding(input_dim=11, output_dim=4)
    ids = np.array([[3, 5, items.mask_token_id]])       # 11 is [MASK]
    vectors = items(ids)                                # (1, 3, 4)
    logits = items(vectors, mode="logits")              # (1, 3, 11)
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
    """

    @property
    def mask_token_id(self):
        """The id of the `[MASK]` token: `input_dim`."""
        return self.input_dim

    def check_ids(self, ids, name="inputs"):
        """Like `IdEmbedding.check_ids`, accepting the `[MASK]` token too."""
        if not backend_utils.is_concrete(ids):
            return
        values = backend_utils.to_numpy(ids)
        super().check_ids(np.where(values == self.mask_token_id, 0, values), name)
