"""The most-popular baseline as a ranking scorer."""

import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.evaluation.most_popular_scorer")
def most_popular_scorer(item_counts):
    """Makes a scorer that ranks every user's catalog by item popularity.

    The non-personalized baseline every recommender should beat: each user
    gets the same scores, the items' interaction counts in the training data.

    Args:
        item_counts: 1-D array `(num_items,)`. Training interactions per item
            column.

    Returns:
        A callable `scorer(batch_queries) -> (batch, num_items)` for
        `keras_recsys.evaluation.evaluate_topk`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    scorer = keras_recsys.evaluation.most_popular_scorer(np.array([5, 1, 9]))
    scorer(np.array([0, 1])).shape  # (2, 3)
    ```
    """
    counts = np.asarray(item_counts, dtype="float32")
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(
            "`item_counts` must be a non-empty 1-D array. Received: "
            f"item_counts.shape={counts.shape}"
        )
    if np.isnan(counts).any():
        raise ValueError("`item_counts` must not hold NaN.")

    def scorer(queries):
        if isinstance(queries, dict):
            queries = next(iter(queries.values()))
        return np.broadcast_to(counts, (queries.shape[0], counts.size))

    return scorer
