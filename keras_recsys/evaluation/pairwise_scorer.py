"""Turns a model that scores (user, item) pairs into a ranking scorer."""

import keras
import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export


class _PairwiseScorer:
    takes_candidates = True

    def __init__(self, model, user_input, item_input):
        self.model = model
        self.user_input = user_input
        self.item_input = item_input

    def __call__(self, queries, candidates):
        if isinstance(queries, dict):
            users = np.asarray(queries[self.user_input])
        else:
            users = np.asarray(queries)
        users = users.reshape(len(users), -1)[:, :1]
        candidates = np.asarray(candidates)
        batch, width = candidates.shape
        flat_users = np.repeat(users, width, axis=0).reshape(-1)
        flat_items = candidates.reshape(-1)
        out = self.model.predict_on_batch(
            {self.user_input: flat_users, self.item_input: flat_items}
        )
        out = np.asarray(keras.ops.convert_to_numpy(out), dtype="float32")
        return out.reshape(batch, width)


@keras_recsys_export("keras_recsys.evaluation.pairwise_scorer")
def pairwise_scorer(model, user_input="user_id", item_input="item_id"):
    """Makes a ranking scorer from a model that scores (user, item) pairs.

    Models such as NCF take a user id and an item id and return one score per
    pair, `(batch, 1)`. The returned scorer takes `(batch_queries,
    batch_candidates)`: the user ids of a batch and an int array
    `(batch, C)` of item columns, scores every pair in one call, and returns
    `(batch, C)`. `evaluate_topk` uses it for the sampled protocol, and for
    the full catalog (then pass `num_items`).

    Args:
        model: a `keras.Model` with inputs named `user_input` and
            `item_input`, returning `(batch, 1)` or `(batch,)` scores.
        user_input: str. The name of the model's user id input. Defaults to
            `"user_id"`.
        item_input: str. The name of the model's item id input. Defaults to
            `"item_id"`.

    Returns:
        A callable `scorer(batch_queries, batch_candidates) -> (batch, C)`.
        `batch_queries` is a 1-D array of user ids or a dict holding
        `user_input`.

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    user = keras.Input(shape=(), dtype="int32", name="user_id")
    item = keras.Input(shape=(), dtype="int32", name="item_id")
    score = keras.layers.Dot(axes=1)(
        [keras.layers.Embedding(10, 4)(user), keras.layers.Embedding(20, 4)(item)]
    )
    model = keras.Model({"user_id": user, "item_id": item}, score)
    scorer = keras_recsys.evaluation.pairwise_scorer(model)
    scorer(np.array([0, 1]), np.array([[3, 4, 5], [6, 7, 8]])).shape  # (2, 3)
    ```

    References:
        - He et al., 2017. Neural Collaborative Filtering. WWW.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model. Received: model of type "
            f"{type(model).__name__}"
        )
    return _PairwiseScorer(model, user_input, item_input)
