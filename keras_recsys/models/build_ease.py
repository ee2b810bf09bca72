import keras
import numpy as np

from keras_recsys.layers.item_item_linear import ItemItemLinear
from keras_recsys.layers.reserved_id_mask import ReservedIdMask
from keras_recsys.models.built_model import BuiltModel
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float


def _gram(interactions):
    """`X^T X` as a dense float64 array, from a dense or scipy sparse `X`."""
    if hasattr(interactions, "tocsr"):  # scipy.sparse, without importing it
        x = interactions.tocsr().astype(np.float64)
        return np.asarray((x.T @ x).todense())
    x = np.asarray(interactions, dtype=np.float64)
    return x.T @ x


def _ease_weights(interactions, l2_regularization):
    """EASE's closed form: `B = I - P / diag(P)`, `P = (X^T X + lambda I)^-1`."""
    gram = _gram(interactions)
    gram[np.diag_indices_from(gram)] += l2_regularization
    # The Gram matrix plus lambda I is symmetric positive definite.
    precision = np.linalg.inv(gram)
    weights = -precision / np.diag(precision)[None, :]
    weights[np.diag_indices_from(weights)] = 0.0
    return weights


@keras_recsys_export("keras_recsys.models.build_ease")
def build_ease(interactions, l2_regularization=500.0, name="ease"):
    """Builds EASE, the linear item-item autoencoder, fitted in closed form.

    EASE scores item j for a user as `sum_i x_i * B[i, j]`, a weighted sum of
    the user's items, with the item x item matrix `B` that minimizes
    `||X - X B||^2 + lambda * ||B||^2` under `diag(B) = 0` on the training
    matrix `X` (users x items). The minimizer has a closed form:
    `P = (X^T X + lambda I)^-1`, `B[i, j] = -P[i, j] / P[j, j]`, `B[j, j] = 0`,
    solved here once with numpy in float64. No gradient training is needed;
    the returned model holds `B` in a `keras_recsys.layers.ItemItemLinear`
    layer (named `"ease"`, not trainable), saves to `.keras` and loads back in
    safe mode. Memory and time grow as `num_items ** 2` and `num_items ** 3`:
    meant for catalogs up to some tens of thousands of items.

    Args:
        interactions: array or scipy sparse matrix `(num_users, num_items)`.
            The training rows, 1 where a user interacted (counts or weights
            also work), column j for item code j (`num_items` is the size of
            the item id table; column 0, the reserved code, scores `-1e9`).
            Not modified.
        l2_regularization: float > 0. `lambda`, the L2 penalty on `B`.
            Steck uses a few hundred for MovieLens-20M and Netflix. Defaults
            to `500.0`.
        name: str. Name of the model. Defaults to `"ease"`.

    Inputs:
        interactions: float32 `(batch, num_items)`: a user's row (1 where the
            user interacted, 0 elsewhere), held-out users included.

    Returns:
        A `keras_recsys.models.BuiltModel` whose output is float32 `(batch, num_items)` scores
        over the items (higher ranks first; a user's own items score too and
        are usually excluded from the ranking, label -1).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    rows = np.random.default_rng(0).integers(0, 2, (20, 6)).astype("float32")
    model = keras_recsys.models.build_ease(rows, l2_regularization=10.0)
    scores = model.predict(rows[:2], verbose=0)  # (2, 6)
    ```

    References:
        - [Steck, 2019. Embarrassingly Shallow Autoencoders for Sparse Data.
          WWW](https://arxiv.org/abs/1905.03375)
    """
    l2_regularization = check_float(
        "l2_regularization", l2_regularization, min_value=0.0, exclusive_min=True
    )
    shape = getattr(interactions, "shape", None)
    if shape is None or len(shape) != 2 or shape[1] < 1:
        raise ValueError(
            "`interactions` must be a 2-D (num_users, num_items) matrix. "
            f"Received: interactions with shape {shape}"
        )
    num_items = int(shape[1])
    weights = _ease_weights(interactions, l2_regularization)
    inputs = keras.Input(shape=(num_items,), name="interactions", dtype="float32")
    layer = ItemItemLinear(trainable=False, name="ease")
    outputs = layer(inputs)
    layer.item_weights.assign(weights.astype(layer.item_weights.dtype))
    return BuiltModel(
        inputs,
        ReservedIdMask(name="reserved_id_mask")(outputs),
        builder="build_ease",
        hyperparameters=dict(num_items=num_items, l2_regularization=l2_regularization),
        name=name,
    )
