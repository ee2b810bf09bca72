import keras
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_bool


@keras_recsys_export("keras_recsys.layers.InBatchSimilarity")
class InBatchSimilarity(keras.layers.Layer):
    """Scores every query of a batch against every candidate of the batch.

    Given query embeddings `q` `(batch, dim)` and candidate embeddings `c`
    `(batch, dim)`, where row `i` of each comes from the same positive pair,
    it returns the matrix `q @ c^T` `(batch, batch)`: entry `[i, j]` scores
    query `i` against candidate `j`, so the diagonal holds the positives and
    the rest of each row the in-batch negatives. Train it with
    `keras_recsys.losses.InBatchSoftmaxLoss`, which adds the temperature, the
    logQ correction and the removal of accidental hits.

    Args:
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a list `[query_embeddings, candidate_embeddings]`, each of
            shape `(batch, dim)`.

    Returns:
        A float tensor of shape `(batch, batch)` (`(local_batch,
        global_batch)` across replicas with `cross_replica=True`).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    queries = np.random.rand(4, 8).astype("float32")
    candidates = np.random.rand(4, 8).astype("float32")
    scores = keras_recsys.layers.InBatchSimilarity()([queries, candidates])
    ```

    References:
        - Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
          Corpus Item Recommendations", RecSys 2019.
    """

    def __init__(self, cross_replica=False, **kwargs):
        cross_replica = check_bool("cross_replica", cross_replica)
        super().__init__(**kwargs)
        self.cross_replica = cross_replica

    def build(self, input_shape):
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) != 2
            or any(not isinstance(s, (list, tuple)) or len(s) != 2 for s in input_shape)
        ):
            raise ValueError(
                f"{self.name} takes [query_embeddings, candidate_embeddings], "
                f"each of shape (batch, dim). Received shapes {input_shape}"
            )
        q, c = input_shape
        if q[-1] is not None and c[-1] is not None and q[-1] != c[-1]:
            raise ValueError(
                f"Query and candidate embeddings of {self.name} must have the "
                f"same dim. Received shapes {tuple(q)} and {tuple(c)}"
            )
        self.built = True

    def call(self, inputs):
        queries, candidates = inputs
        queries = ops.cast(queries, self.compute_dtype)
        candidates = ops.cast(candidates, self.compute_dtype)
        if self.cross_replica:
            candidates, _ = backend_utils.gather_replica_rows(candidates)
        return ops.matmul(queries, ops.transpose(candidates))

    def compute_output_shape(self, input_shape):
        if self.cross_replica:
            return (input_shape[0][0], None)
        return (input_shape[0][0], input_shape[1][0])

    def get_config(self):
        config = super().get_config()
        config["cross_replica"] = self.cross_replica
        return config
