"""Beyond-accuracy measures of top-k recommendation lists."""

import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

MEASURES = (
    "coverage",
    "gini_index",
    "novelty",
    "average_popularity",
    "tail_share",
    "intra_list_diversity",
)


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
    """The `tail_ratio` share of catalog items (columns 1..n-1) with the
    lowest popularity (ties: the higher item column counts as less popular,
    as in a stable ranking). Column 0 is no item: never tail."""
    n = len(popularity) - 1
    num_head = n - int(round(tail_ratio * n))
    # Most popular first, over columns 1..n.
    by_popularity = 1 + np.lexsort((np.arange(n), -popularity[1:]))
    tail = np.ones(n + 1, bool)
    tail[0] = False
    tail[by_popularity[:num_head]] = False
    return tail


def _unit_vectors(item_embeddings):
    emb = np.asarray(item_embeddings, dtype=np.float64)
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    # A zero vector has no direction: its similarity to anything is 0.
    return np.divide(emb, norms, out=np.zeros_like(emb), where=norms > 0)


def _list_diversities(top, filled, unit):
    """Per list, 1 - mean pairwise cosine similarity of its items; NaN for a
    list with fewer than 2 items (no pair).

    The sum of the pairwise similarities of a list is
    `(||sum_i v_i||^2 - sum_i ||v_i||^2) / 2` for unit vectors `v_i`, so a
    list costs O(k * d), not O(k^2 * d).
    """
    vectors = unit[np.where(filled, top, 0)] * filled[..., None]
    size = filled.sum(axis=1).astype(np.float64)
    summed = np.square(vectors.sum(axis=1)).sum(axis=1)
    self_terms = np.square(vectors).sum(axis=(1, 2))
    pairs = size * (size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = (summed - self_terms) / pairs
    return np.where(size >= 2, 1.0 - similarity, np.nan)


def _to_numpy(x):
    # Imported here: `beyond_accuracy` itself needs numpy only.
    import keras

    return keras.ops.convert_to_numpy(x)


def _add(sums, key, value, count):
    total, n = sums.get(key, (0.0, 0))
    sums[key] = (total + float(value), n + int(count))


class Accumulator:
    """Streams beyond-accuracy measures over batches of top-k lists.

    What `beyond_accuracy` and `evaluate_topk` share: `update` takes a batch
    of lists `(batch, k_max)` (item columns in rank order, -1 empty) and
    keeps, for each cut-off k, the recommendation counts of every item and
    the sums behind each mean, so memory is O(num_items * len(ks)) whatever
    the number of users; `result` gives the measures.
    """

    def __init__(
        self,
        item_popularity,
        num_users,
        measures=MEASURES,
        ks=None,
        item_embeddings=None,
        tail_ratio=0.8,
    ):
        popularity = np.asarray(item_popularity, dtype=np.float64)
        if popularity.ndim != 1 or popularity.size < 2 or np.isnan(popularity).any():
            raise ValueError(
                "`item_popularity` must be a 1-D array without NaN, one entry "
                "per item column (column 0 the reserved id, so at least 2). "
                f"Received: item_popularity.shape={popularity.shape}"
            )
        if (popularity < 0).any():
            raise ValueError("`item_popularity` must not hold negative counts.")
        self.num_users = check_positive_int("num_users", num_users)
        tail_ratio = check_float("tail_ratio", tail_ratio, min_value=0.0, max_value=1.0)
        if tail_ratio == 0.0:
            raise ValueError(
                f"`tail_ratio` must be > 0. Received: tail_ratio={tail_ratio}"
            )
        measures = (measures,) if isinstance(measures, str) else tuple(measures)
        for name in measures:
            check_one_of("beyond_accuracy", name, MEASURES)
        self.num_items = popularity.size
        self.unit = None
        if item_embeddings is not None:
            shape = np.shape(item_embeddings)
            if len(shape) != 2 or shape[0] != self.num_items:
                raise ValueError(
                    f"`item_embeddings` must have shape ({self.num_items}, d). "
                    f"Received: item_embeddings.shape={shape}"
                )
            self.unit = _unit_vectors(item_embeddings)
        elif "intra_list_diversity" in measures:
            raise ValueError(
                "`intra_list_diversity` needs `item_embeddings` (num_items, d)."
            )
        self.measures = measures
        self.ks = None if ks is None else tuple(ks)
        self.popularity = popularity
        self.self_information = -np.log2(np.maximum(popularity, 1.0) / self.num_users)
        self.tail = _tail_items(popularity, tail_ratio).astype(np.float64)
        self._state = None

    def _check(self, top_items):
        top = np.asarray(top_items)
        if top.ndim != 2 or not np.issubdtype(top.dtype, np.integer):
            raise ValueError(
                "`top_items` must be a 2-D int array (num_users, k) of item "
                "columns, -1 for an empty slot. Received: "
                f"shape={top.shape}, dtype={top.dtype}"
            )
        if top.size and (top.min() < -1 or top.max() >= self.num_items):
            raise ValueError(
                f"`top_items` must hold item columns in [1, {self.num_items}) or "
                f"-1. Received values in [{top.min()}, {top.max()}]"
            )
        if (top == 0).any():
            raise ValueError(
                "`top_items` must not hold item column 0, the reserved id "
                "(never recommended); use -1 for an empty slot."
            )
        return top.astype(np.int64)

    def update(self, top_items):
        top = self._check(top_items)
        ks = self.ks or (top.shape[1],)
        if self._state is None:
            self._state = {
                k: {"counts": np.zeros(self.num_items, np.int64), "sums": {}}
                for k in ks
            }
        for k in ks:
            cut = top[:, :k]
            filled = cut >= 0
            state = self._state[k]
            state["counts"] += np.bincount(cut[filled], minlength=self.num_items)
            sums = state["sums"]
            size = filled.sum(axis=1)
            has_items = size > 0
            safe = np.where(filled, cut, 0)

            _add(
                sums, "novelty", self.self_information[cut[filled]].sum(), filled.sum()
            )
            for key, values in (
                ("average_popularity", self.popularity),
                ("tail_share", self.tail),
            ):
                per_list = np.where(filled, values[safe], 0.0).sum(axis=1)
                _add(
                    sums,
                    key,
                    (per_list[has_items] / size[has_items]).sum(),
                    has_items.sum(),
                )
            if self.unit is not None:
                diversity = _list_diversities(cut, filled, self.unit)
                has_pair = ~np.isnan(diversity)
                _add(
                    sums,
                    "intra_list_diversity",
                    diversity[has_pair].sum(),
                    has_pair.sum(),
                )
        return self

    def update_from_ranking(self, sums_and_items, labels, scores, rows, candidates):
        """One batch of `evaluate_topk`: ranks once with `sums_and_items`
        (`row_functions.batch_sums_and_items`), streams the lists of the first
        `rows` rows that have a target and returns the metric sums (numpy).
        With `candidates` `(batch, C)`, slots are candidate positions and are
        mapped to their item columns."""
        sums, slots = sums_and_items(labels, scores)
        slots = np.asarray(_to_numpy(slots))[:rows]
        if candidates is not None:
            picked = np.take_along_axis(candidates[:rows], np.maximum(slots, 0), 1)
            slots = np.where(slots >= 0, picked, -1)
        self.update(slots[(np.asarray(labels[:rows]) > 0).any(axis=1)])
        return np.asarray(_to_numpy(sums))

    def result(self, suffix=True):
        """`{measure: value}`, or `{"<measure>@<k>": value}` with `suffix`."""
        out = {}
        for k, state in (self._state or {}).items():
            catalog = state["counts"][1:]
            values = {
                "coverage": float((catalog > 0).sum() / catalog.size),
                "gini_index": _gini(catalog),
            }
            for key, (total, n) in state["sums"].items():
                empty = float("nan") if key == "intra_list_diversity" else 0.0
                values[key] = total / n if n else empty
            for name in self.measures:
                out[f"{name}@{k}" if suffix else name] = values[name]
        return out


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

    Item column 0 is the reserved id (docs/concepts.md): it is not part of
    the catalog (coverage, Gini and the tail read columns `1..num_items-1`)
    and may not appear in a list. Empty slots (`-1`, a user with fewer than k
    rankable items) are skipped; per-list means divide by the list's filled
    slots, and users with no filled slot are left out of them.
    `keras_recsys.evaluation.evaluate_topk(..., beyond_accuracy=...)`
    streams the same measures over the lists it ranks.

    Args:
        top_items: int array `(num_users_evaluated, k)`. Item columns in rank
            order, `-1` for an empty slot.
        item_popularity: array `(num_items,)`. Training interactions (users)
            per item column; its length is the size of the id table
            (`IdEncoder.vocabulary_size`; column 0 reserved).
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

    top_items = np.array([[1, 2], [1, 3], [1, -1]])
    popularity = np.array([0, 8, 4, 2, 1])  # column 0: the reserved id
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
    measures = [m for m in MEASURES if m != "intra_list_diversity"]
    if item_embeddings is not None:
        measures.append("intra_list_diversity")
    accumulator = Accumulator(
        item_popularity,
        num_users,
        measures=measures,
        item_embeddings=item_embeddings,
        tail_ratio=tail_ratio,
    )
    return accumulator.update(top_items).result(suffix=False)
