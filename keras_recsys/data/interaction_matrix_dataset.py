import scipy.sparse as sp

from keras_recsys.data._batched_dataset import DATASET_ARGS
from keras_recsys.data._batched_dataset import BatchedDataset
from keras_recsys.utils.docstrings import format_docstring


@format_docstring(dataset_args=DATASET_ARGS)
class InteractionMatrixDataset(BatchedDataset):
    """Batches of rows of a sparse user x item matrix, densified per batch.

    Only the rows of the current batch become dense (float32), so the full
    users x items matrix never is. The target is the same rows (an
    autoencoder reconstructs its input) or the rows of `target`.

    Args:
        matrix: scipy sparse matrix (num_users, num_items), e.g. from
            `keras_recsys.data.interaction_matrix`.
        target: optional sparse matrix of the same shape (e.g. fold-in rows as
            input, held-out rows as target). Defaults to None (the input).
        batch_size: int. Rows per batch. Defaults to 128.
        shuffle: bool. Whether to shuffle the rows every epoch.
            Defaults to True.
        seed: int. Shuffling seed. Defaults to 0.
        {dataset_args}

    Example:

    ```python
    import scipy.sparse as sp
    import keras_recsys

    m = sp.random(100, 50, density=0.1, format="csr", random_state=0)
    ds = keras_recsys.data.InteractionMatrixDataset(m, batch_size=32)
    x, y = ds[0]  # x.shape == (32, 50)
    ```

    References:
        Liang et al., "Variational Autoencoders for Collaborative Filtering",
        WWW 2018.
    """

    def __init__(
        self,
        matrix,
        target=None,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int = 0,
        input_name: str | None = None,
        **kwargs,
    ):
        if not sp.issparse(matrix):
            raise TypeError(
                "`matrix` must be a scipy sparse matrix. Received: "
                f"{type(matrix).__name__}"
            )
        if matrix.shape[0] == 0 or matrix.shape[1] == 0:
            raise ValueError(f"`matrix` is empty: shape {matrix.shape}.")
        self.matrix = sp.csr_matrix(matrix, dtype="float32")
        if target is not None:
            if not sp.issparse(target) or target.shape != matrix.shape:
                raise ValueError(
                    "`target` must be a sparse matrix of the shape of `matrix` "
                    f"{matrix.shape}. Received: {getattr(target, 'shape', target)}"
                )
            target = sp.csr_matrix(target, dtype="float32")
        super().__init__(
            matrix.shape[0], batch_size, shuffle, seed, input_name, **kwargs
        )
        self.target = target

    def __getitem__(self, index):
        rows = self.batch_rows(index)
        x = self.matrix[rows].toarray()
        y = x if self.target is None else self.target[rows].toarray()
        return self.model_input(x), y
