"""Beyond-accuracy measures of top-k recommendation lists."""

import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int

MEASURES = (
    "coverage",
    "gini_index",
    "novelty",
    "average_popularity",
    "tail_share",
    "intra_list_diversity",
)


def _check_top_items(top_items, num_items):
    top = np.asarray(top_items)
    if top.ndim != 2 or not np.issubdtype(top.dtype, np.integer):
        raise ValueError(
            "`top_items` must be a 2-D int array (num_users, k) of item columns, "
            f"-1 for an empty slot. Received: shape={top.shape}, dtype={top.dtype}"
        )
    if top.size and (top.min() < -1 or top.max() >= num_items):
        raise ValueError(
            f"`top_items` must hold item columns in [0, {num_items}) or -1. "
            f"Received values in [{top.min()}, {top.max()}]"
        )
    return top.astype(np.int64), top >= 0


def _recommendation_counts(top, filled, num_items):
    return np.bincount(top[filled], minlength=num_items)


def _gini(counts):
    # Counts in increasing order, items never recommended included (as 0).
    ordered = np.sort(counts).astype(np.float64)
    n = len(ordered)
    total = ordered.sum()
    if total == 0:
        return 0.0
    index = np.arange(1, n + 1)
    return float(((2 * index - n - 1) * ordered).sum() / (n * total))


def _tail_items(popularity, tail_ratio):
    """The `tail_ratio` share of items with the lowest popularity (ties: the
    higher item column counts as less popular, as in a stable ranking)."""
    n = len(popularity)
    num_head = n - int(round(tail_ratio * n))
    by_popularity = np.lexsort((np.arange(n), -popularity))  # most popular first
    tail = np.ones(n, bool)
    tail[by_popularity[:num_head]] = False
    return tail


def _intra_list_diversity(top, filled, item_embeddings):
    """Mean over lists of 1 - mean pairwise cosine similarity of their items.

    The sum of the pairwise similarities of a list is
    `(||sum_i v_i||^2 - sum_i ||v_i||^2) / 2` for unit vectors `v_i`, so a
    list costs O(k * d), not O(k^2 * d). Lists with fewer than 2 items have
    no pair and are left out.
    """
    emb = np.asarray(item_embeddings, dtype=np.float64)
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    # A zero vector has no direction: its similarity to anything is 0.
    unit = np.divide(emb, norms, out=np.zeros_like(emb), where=norms > 0)
    vectors = unit[np.where(filled, top, 0)] * filled[..., None]
    size = filled.sum(axis=1).astype(np.float64)
    summed = np.square(vectors.sum(axis=1)).sum(axis=1)
    self_terms = np.square(vectors).sum(axis=(1, 2))
    has_pair = size >= 2
    if not has_pair.any():
        return float("nan")
    pairs = size[has_pair] * (size[has_pair] - 1)
    similarity = (summed[has_pair] - self_terms[has_pair]) / pairs
    return float(np.mean(1.0 - similarity))


@keras_recsys_export("keras_recsys.evaluation.beyond_accuracy")
def beyond_accuracy(
    top_items,
    item_popularity,
    num_users,
    item_embeddings=None,
    tail_ratio=0.8,
):
    """Coverage, concentration, novelty and diversity of top-k lists.

    Reads the lists that a ranking produced (the top k of each user, under
    the same exclusion and tie rules as the accuracy metrics) and the items'
    training popularity, and returns:

    - `coverage`: the share of the catalog recommended to at least one user
      (RecBole's ItemCoverage; Microsoft Recommenders' catalog coverage).
    - `gini_index`: the Gini index of the number of times each item is
      recommended, items never recommended included: 0 when every item is
      recommended equally often, close to 1 when a few items take all the
      slots (RecBole's GiniIndex).
    - `novelty`: the mean self-information `-log2(p_i)` of the recommended
      items, with `p_i = item_popularity[i] / num_users` the share of
      training users who interacted with item i (Zhou et al. 2010; Microsoft
      Recommenders' novelty). An item with popularity 0 is counted as if one
      user had seen it, which keeps the value finite.
    - `average_popularity`: the mean over lists of the mean popularity of
      their items (RecBole's AveragePopularity).
    - `tail_share`: the mean over lists of the share of their items that are
      tail items, the `tail_ratio` share of the catalog with the lowest
      popularity (RecBole's TailPercentage; with `0.8` the complement of the
      20% "short head").
    - `intra_list_diversity` (only with `item_embeddings`): the mean over
      lists of one minus the mean cosine similarity of the pairs of items in
      the list (Ziegler et al. 2005; Microsoft Recommenders' diversity).
      Lists with fewer than two items are left out.

    Empty slots (`-1`, a user with fewer than k rankable items) are skipped;
    per-list means divide by the list's filled slots, and users with no
    filled slot are left out of them.

    Args:
        top_items: int array `(num_users_evaluated, k)`. Item columns in rank
            order, `-1` for an empty slot.
        item_popularity: array `(num_items,)`. Training interactions (users)
            per item column; its length is the catalog size.
        num_users: int. The number of training users behind
            `item_popularity` (the denominator of `p_i`).
        item_embeddings: optional array `(num_items, d)` of item vectors
            (learned embeddings, or multi-hot features such as genres).
            Defaults to `None`: no `intra_list_diversity`.
        tail_ratio: float in (0, 1]. The share of the catalog counted as tail.
            Defaults to `0.8`.

    Returns:
        A dict `{measure: float}` over the measures above.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    top_items = np.array([[0, 1], [0, 2], [0, -1]])
    popularity = np.array([8, 4, 2, 1])
    keras_recsys.evaluation.beyond_accuracy(top_items, popularity, num_users=8)
    # coverage 0.75, gini_index 0.45, novelty 0.6, ...
    ```

    References:
        - Zhao et al., 2021. RecBole: Towards a Unified, Comprehensive and
          Efficient Framework for Recommendation Algorithms. CIKM.
        - Zhou et al., 2010. Solving the Apparent Diversity-Accuracy Dilemma
          of Recommender Systems. PNAS.
        - Ziegler et al., 2005. Improving Recommendation Lists Through Topic
          Diversification. WWW.
        - Abdollahpouri et al., 2017. Controlling Popularity Bias in
          Learning-to-Rank Recommendation. RecSys.
    """
    popularity = np.asarray(item_popularity, dtype=np.float64)
    if popularity.ndim != 1 or popularity.size == 0 or np.isnan(popularity).any():
        raise ValueError(
            "`item_popularity` must be a non-empty 1-D array without NaN. "
            f"Received: item_popularity.shape={popularity.shape}"
        )
    if (popularity < 0).any():
        raise ValueError("`item_popularity` must not hold negative counts.")
    num_users = check_positive_int("num_users", num_users)
    tail_ratio = check_float("tail_ratio", tail_ratio, min_value=0.0, max_value=1.0)
    if tail_ratio == 0.0:
        raise ValueError(f"`tail_ratio` must be > 0. Received: tail_ratio={tail_ratio}")
    num_items = popularity.size
    top, filled = _check_top_items(top_items, num_items)
    if item_embeddings is not None:
        shape = np.shape(item_embeddings)
        if len(shape) != 2 or shape[0] != num_items:
            raise ValueError(
                f"`item_embeddings` must have shape ({num_items}, d). "
                f"Received: item_embeddings.shape={shape}"
            )

    counts = _recommendation_counts(top, filled, num_items)
    items = top[filled]
    size = filled.sum(axis=1)
    has_items = size > 0
    safe = np.where(filled, top, 0)

    def per_list_mean(values):
        sums = np.where(filled, values[safe], 0.0).sum(axis=1)
        return (
            float(np.mean(sums[has_items] / size[has_items]))
            if has_items.any()
            else 0.0
        )

    self_information = -np.log2(np.maximum(popularity, 1.0) / num_users)
    result = {
        "coverage": float((counts > 0).sum() / num_items),
        "gini_index": _gini(counts),
        "novelty": float(self_information[items].mean()) if items.size else 0.0,
        "average_popularity": per_list_mean(popularity),
        "tail_share": per_list_mean(_tail_items(popularity, tail_ratio).astype(float)),
    }
    if item_embeddings is not None:
        result["intra_list_diversity"] = _intra_list_diversity(
            top, filled, item_embeddings
        )
    return result
