import numpy as np

from keras_recsys.data._batched_dataset import DATASET_ARGS
from keras_recsys.data._batched_dataset import BatchedDataset
from keras_recsys.utils.docstrings import format_docstring


@format_docstring(dataset_args=DATASET_ARGS)
class SequenceDataset(BatchedDataset):
    """Batches of padded item sequences with their next-item targets.

    Serves `x` `(B, max_len)` int32 (or `{input_name: x}`) and `y`
    `(B, max_len)` int32 targets (0 where padded), as
    `keras_recsys.data.build_sequences` returns them.

    Args:
        item_sequence: int array (num_sequences, max_len), or the dict that
            `build_sequences` returns (then `target` is taken from it).
        target: int array (num_sequences, max_len) or (num_sequences,).
            Defaults to None (required unless `item_sequence` is a dict).
        batch_size: int. Sequences per batch. Defaults to 128.
        shuffle: bool. Whether to shuffle every epoch. Defaults to True.
        seed: int. Shuffling seed. Defaults to 0.
        {dataset_args}

    Example:

    ```python
    import numpy as np
    import keras_recsys

    seqs = np.array([[0, 1, 2], [3, 4, 5]])
    targets = np.array([[0, 2, 3], [4, 5, 6]])
    ds = keras_recsys.data.SequenceDataset(seqs, targets, batch_size=1)
    x, y = ds[0]  # x.shape == (1, 3)
    ```
    """

    def __init__(
        self,
        item_sequence,
        target=None,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int = 0,
        input_name: str | None = None,
        **kwargs,
    ):
        if isinstance(item_sequence, dict):
            if target is None:
                target = item_sequence.get("target")
            item_sequence = item_sequence["item_sequence"]
        if target is None:
            raise ValueError("`target` is required.")
        seqs = np.asarray(item_sequence)
        targets = np.asarray(target)
        if seqs.ndim != 2 or seqs.shape[0] == 0:
            raise ValueError(
                "`item_sequence` must be a non-empty 2-D array (num_sequences, "
                f"max_len). Received shape {seqs.shape}."
            )
        if seqs.dtype.kind not in "iu" or targets.dtype.kind not in "iu":
            raise ValueError("`item_sequence` and `target` must hold integer ids.")
        if targets.shape[0] != seqs.shape[0]:
            raise ValueError(
                f"`target` has {targets.shape[0]} rows but `item_sequence` has "
                f"{seqs.shape[0]}."
            )
        super().__init__(seqs.shape[0], batch_size, shuffle, seed, input_name, **kwargs)
        self.item_sequence = seqs.astype("int32")
        self.target = targets.astype("int32")

    def __getitem__(self, index):
        rows = self.batch_rows(index)
        return self.model_input(self.item_sequence[rows]), self.target[rows]
