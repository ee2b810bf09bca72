import numpy as np

from keras_recsys.data._batched_dataset import DATASET_ARGS
from keras_recsys.data._batched_dataset import BatchedDataset
from keras_recsys.data._utils import as_int_ids
from keras_recsys.data._utils import check_id_range
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_probability


def last_real_positions(real):
    """Boolean (rows, steps): True at each row's last True of `real`."""
    steps = real.shape[1]
    last = steps - 1 - np.argmax(real[:, ::-1], axis=1)
    return (np.arange(steps) == last[:, None]) & real.any(axis=1, keepdims=True)


@format_docstring(dataset_args=DATASET_ARGS)
class MaskedItemDataset(BatchedDataset):
    """Batches of item sequences with items hidden for masked-item training.

    For BERT4Rec (`keras_recsys.models.build_bert4rec`): in every batch each
    real item (id > 0) of a sequence is replaced by the `[MASK]` token (id
    `num_items`) with probability `mask_probability`, and the model learns
    to recover the hidden items from both sides. A share
    `last_item_probability` of the sequences instead has only its last item
    masked, the case the model meets at inference (the paper adds such
    samples to match the next-item task). A sequence in which no item was
    drawn gets its last item masked, so every sequence trains. The masks are
    drawn again for every batch of every epoch from `(seed, epoch, batch)`.

    Each batch is `(x, y, sample_weight)`: `x` `(B, max_len)` int32 (or
    `{input_name: x}`) the masked sequences, `y` `(B, max_len)` int32 the
    hidden item at each masked position and 0 elsewhere, and `sample_weight`
    `(B, max_len)` float32, 1 at masked positions and 0 elsewhere.

    Args:
        item_sequence: int array `(num_sequences, max_len)` of item codes
            `1..num_items - 1`, 0 for padding (on either side), e.g. the
            `"item_sequence"` of `keras_recsys.data.build_sequences`. Not
            modified.
        num_items: int. Size of the item table (`IdEncoder.vocabulary_size`);
            the `[MASK]` token is `num_items`.
        batch_size: int. Sequences per batch. Defaults to 128.
        mask_probability: float in (0, 1]. Chance that each item is hidden.
            Defaults to 0.2 (the paper's choice for MovieLens-1M).
        last_item_probability: float in [0, 1]. Share of the sequences that
            get only their last item masked. Defaults to 0.1.
        shuffle: bool. Whether to shuffle the sequences every epoch.
            Defaults to True.
        seed: int. Seed of the order and of the masks. Defaults to 0.
        {dataset_args}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    seqs = np.array([[0, 0, 1, 2, 3], [4, 5, 6, 7, 8]])
    ds = keras_recsys.data.MaskedItemDataset(seqs, num_items=9, batch_size=2)
    x, y, weights = ds[0]
    # Where weights == 1, x is 9 ([MASK]) and y the hidden
    # item; elsewhere x is the sequence and y is 0.
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
    """

    def __init__(
        self,
        item_sequence,
        num_items: int,
        batch_size: int = 128,
        mask_probability: float = 0.2,
        last_item_probability: float = 0.1,
        shuffle: bool = True,
        seed: int = 0,
        input_name: str | None = None,
        **kwargs,
    ):
        seqs = as_int_ids(item_sequence, "item_sequence")
        if seqs.ndim != 2 or seqs.shape[0] == 0 or seqs.shape[1] == 0:
            raise ValueError(
                "`item_sequence` must be a non-empty 2-D array (num_sequences, "
                f"max_len). Received shape {seqs.shape}."
            )
        self.num_items = check_int("num_items", num_items, min_value=2)
        check_id_range(seqs, 0, self.num_items, "item_sequence")
        self.mask_probability = check_probability(
            "mask_probability", mask_probability, exclusive_min=True
        )
        self.last_item_probability = check_probability(
            "last_item_probability", last_item_probability
        )
        super().__init__(seqs.shape[0], batch_size, shuffle, seed, input_name, **kwargs)
        self.item_sequence = seqs.astype("int32")

    @property
    def mask_token_id(self):
        """The id that marks a hidden item: `num_items`."""
        return self.num_items

    def mask_batch(self, seqs, rng):
        """Boolean (rows, steps): the positions of `seqs` to hide."""
        real = seqs > 0
        last = last_real_positions(real)
        last_only = rng.random(len(seqs)) < self.last_item_probability
        drawn = (rng.random(seqs.shape) < self.mask_probability) & real
        masked = np.where(last_only[:, None], last, drawn)
        return masked | (last & ~masked.any(axis=1, keepdims=True))

    def __getitem__(self, index):
        seqs = self.item_sequence[self.batch_rows(index)]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        masked = self.mask_batch(seqs, rng)
        inputs = np.where(masked, np.int32(self.mask_token_id), seqs)
        targets = np.where(masked, seqs, np.int32(0))
        return self.model_input(inputs), targets, masked.astype("float32")
