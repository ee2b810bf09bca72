"""Full-catalog (and sampled) top-k evaluation of a recommender."""

import functools
import numbers
import warnings

import keras
import numpy as np

from keras_recsys.evaluation import _scoring as scoring
from keras_recsys.evaluation import _topk_inputs as inputs
from keras_recsys.evaluation.beyond_accuracy import Accumulator
from keras_recsys.ranking import contract
from keras_recsys.ranking import row_functions
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.evaluation.evaluate_topk")
def evaluate_topk(
    scorer,
    queries,
    targets,
    exclude=None,
    num_items=None,
    metrics=None,
    ks=(10,),
    candidates=None,
    batch_size=256,
    cap_at_k=False,
    gain="exponential",
    unknown_id=None,
    verbose="auto",
    beyond_accuracy=None,
    item_popularity=None,
    item_embeddings=None,
    num_training_users=None,
):
    """Ranks the catalog for each user and averages top-k metrics.

    For each batch of users it scores every item (full catalog) or the given
    candidates (sampled protocol), marks the user's held-out `targets` as
    relevant and the `exclude` items (training interactions) as excluded,
    ranks once up to the largest k under the tie rule of the metrics (lower
    index first among equal scores) and accumulates every requested metric at
    every k. Only one batch of scores is held at a time, never a users x items
    matrix. Users without a target carry no weight (they are not counted).
    Ids follow the package convention (docs/concepts.md): items are codes
    `1..num_items-1` and code 0 is padding/unknown, so column 0 is never
    recommended (it is always excluded) and a target of code 0 is never
    relevant.
    The metrics are those of `keras_recsys.metrics` (see
    docs/metrics_and_losses.md).

    Args:
        scorer: a `keras.Model` or a callable. Full catalog: called on a batch
            of queries, returns `(batch, num_items)` scores whose column j is
            item j (float64 scores are ranked in float64, never cast to
            float32; where the backend lacks float64, as JAX without x64,
            they are ranked through their exact per-row order). Sampled
            protocol: a callable taking
            `(batch_queries, batch_candidates)` and returning `(batch, C)`
            scores (see `pairwise_scorer`); a one-argument scorer (or a
            model) has its full scores gathered at the candidates.
        queries: what the scorer takes for the users: a numpy array
            `(num_users, ...)`, a dict of such arrays, or a scipy sparse
            matrix (rows densified per batch as float32). A list is turned
            into a numpy array.
        targets: per user, the held-out relevant item ids: a list of int
            arrays, a scipy CSR matrix `(num_users, num_items)` (an entry > 0
            is relevant; explicitly stored zeros are not), or a 1-D int
            array of one item per user. Float, boolean and negative ids are
            refused; id 0 and ids `>= num_items` are left out and counted.
        exclude: per user, the item ids not ranked (training items): a
            list of int arrays or a CSR matrix (stored zeros are not entries). Never applied to the user's
            targets. Defaults to `None`.
        num_items: int. The size of the item id table (n + 1 for n items,
            `IdEncoder.vocabulary_size`). Defaults to `None`: taken from a CSR
            `targets`/`exclude` or from the scorer's output.
        metrics: names of registered ranking metrics: `"precision"`,
            `"recall"`, `"f1"`, `"ndcg"`, `"map"`, `"hit_rate"`, `"mrr"` (the
            stems of the metric classes' names). Defaults to `None`: all.
        ks: ints. The cut-offs. Defaults to `(10,)`.
        candidates: optional int array `(num_users, C)` of item ids to
            rank for each user (for instance the held-out item and 99 sampled
            negatives); it must hold each user's targets (a ValueError names
            the user otherwise). A candidate listed twice in a row is ranked
            once; candidate 0 is never ranked; negative ids and ids
            `>= num_items` are refused. Defaults to `None` (full catalog).
        batch_size: int. Users per batch. Defaults to `256`.
        cap_at_k: bool. Recall divided by `min(k, relevant)`. Defaults to
            `False`.
        gain: str. NDCG gain, `"exponential"` or `"linear"`. Defaults to
            `"exponential"`.
        unknown_id: int or None. The id an encoder gives unknown users and
            items (`keras_recsys.data.IdEncoder` codes them 0): users whose
            query is only this id (a 1-D id array, a dict's `"user_id"`, or an
            id sequence holding nothing else) and targets with this id are
            not scored. Defaults to `None`.
        verbose: `"auto"`, 0 or 1. Whether to show a Keras progress bar.
            Defaults to `"auto"` (1).
        beyond_accuracy: optional names of beyond-accuracy measures of the
            top-k lists (`"coverage"`, `"gini_index"`, `"novelty"`,
            `"average_popularity"`, `"tail_share"`, `"intra_list_diversity"`;
            see `keras_recsys.evaluation.beyond_accuracy`), streamed over the
            very lists the accuracy metrics score (same exclusions, same tie
            rule), for the users with a target, at every k. Defaults to
            `None`.
        item_popularity: array `(num_items,)` of training interactions per
            item column; needed with `beyond_accuracy`. Defaults to `None`.
        item_embeddings: optional array `(num_items, d)` of item vectors, for
            `"intra_list_diversity"`. Defaults to `None`.
        num_training_users: int. The number of training users behind
            `item_popularity` (novelty's denominator). Defaults to `None`:
            the number of rows of `queries`.

    Cold start: target ids 0, `num_items` and above (and `unknown_id`)
    cannot be scored; they are dropped and counted. A user left with no
    target is not counted in `num_users`; when no user is left, a ValueError
    says so (every metric would be 0/0).

    Returns:
        A dict `{"<metric>@<k>": float, ..., "num_users": int}` (the same
        `"<metric>@<k>"` names as the metric classes, e.g. `"ndcg@10"`), plus
        `"num_unknown_users"` and `"num_unknown_targets"` when some were
        left out (a warning says so too).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    item_scores = np.array([0.1, 0.9, 0.5, 0.3], dtype="float32")
    scorer = lambda users: np.tile(item_scores, (len(users), 1))
    keras_recsys.evaluation.evaluate_topk(
        scorer,
        queries=np.array([1, 2]),
        targets=[np.array([2]), np.array([1, 3])],
        exclude=[np.array([1]), np.array([])],
        metrics=("recall", "ndcg"),
        ks=(1, 2),
        verbose=0,
    )  # {'recall@1': 0.75, ..., 'num_users': 2}
    ```

    References:
        - He et al., 2017. Neural Collaborative Filtering. WWW. (sampled
          protocol, 99 negatives per held-out item).
        - Krichene and Rendle, 2020. On Sampled Metrics for Item
          Recommendation. KDD. (why the full catalog is the default).
    """
    if metrics is None:
        metrics = tuple(row_functions.ROW_FUNCTIONS)
    metrics = tuple(metrics) if not isinstance(metrics, str) else (metrics,)
    for name in metrics:
        check_one_of("metrics", name, tuple(row_functions.ROW_FUNCTIONS))
    if not metrics:
        raise ValueError("`metrics` must name at least one metric.")
    ks = (ks,) if isinstance(ks, numbers.Integral) else tuple(ks)
    if not ks:
        raise ValueError("`ks` must hold at least one cut-off.")
    ks = tuple(contract.check_k(k) for k in ks)
    batch_size = check_positive_int("batch_size", batch_size)
    check_one_of("gain", gain, ("exponential", "linear"))
    if verbose == "auto":
        verbose = 1
    queries = inputs.check_queries(queries)
    num_users = inputs.num_rows(queries)
    if num_users == 0:
        raise ValueError("`queries` must hold at least one user. Received 0")
    targets = inputs.Rows(targets, num_users, "targets")
    exclude = (
        inputs.Rows(exclude, num_users, "exclude") if exclude is not None else None
    )
    unknown = {}
    unknown_users = inputs.unknown_queries(queries, unknown_id)
    if unknown_users is not None and unknown_users.any():
        unknown["num_unknown_users"] = int(unknown_users.sum())
        targets.drop_rows(unknown_users)
    if num_items is None:
        num_items = targets.num_columns or (exclude and exclude.num_columns)
    if num_items is not None:
        num_items = check_int("num_items", num_items, min_value=2)
    pair_scorer = scoring.takes_candidates(scorer)
    if candidates is not None:
        candidates = inputs.check_candidates(candidates, num_users, num_items)
        if pair_scorer and num_items is None:
            # Only the candidates are scored: the labels need ids up to theirs.
            num_items = 1 + max(
                int(candidates.max(initial=0)),
                targets.max_id(),
                exclude.max_id() if exclude is not None else 0,
            )
    if pair_scorer and candidates is None and num_items is None:
        raise ValueError(
            "`num_items` is needed to rank the full catalog with a scorer that "
            "takes candidates."
        )

    k_max = max(ks)
    stream = None
    if beyond_accuracy is not None:
        if item_popularity is None:
            raise ValueError("`beyond_accuracy` needs `item_popularity`.")
        stream = Accumulator(
            item_popularity,
            num_users if num_training_users is None else num_training_users,
            measures=beyond_accuracy,
            ks=ks,
            item_embeddings=item_embeddings,
        )
    batch_sums = _batch_sums_fn(
        metrics, ks, bool(cap_at_k), gain, with_items=stream is not None
    )
    sums = None
    counted = 0
    # Every batch has `batch_size` rows (the last one is padded with copies of
    # its last user, whose rows are then dropped), so compiled steps (the
    # model's predict, the ranking) see one shape and compile once.
    padded_size = min(batch_size, num_users)
    num_batches = (num_users + batch_size - 1) // batch_size
    progbar = keras.utils.Progbar(num_batches) if verbose else None
    for b, start in enumerate(range(0, num_users, batch_size)):
        stop = min(num_users, start + batch_size)
        rows = stop - start
        index = np.arange(start, stop)
        if rows < padded_size:
            index = np.concatenate([index, np.full(padded_size - rows, stop - 1)])
        batch_queries = inputs.take(queries, index)
        scores, num_items = scoring.score_batch(
            scorer, pair_scorer, batch_queries, candidates, index, num_items
        )
        if b == 0:
            dropped = targets.drop_unknown(num_items, unknown_id)
            if dropped:
                unknown["num_unknown_targets"] = dropped
            if exclude is not None:
                exclude.check_range(num_items)
        if candidates is None:
            scoring.check_width(scores, len(index), num_items, "the catalog")
        else:
            scoring.check_width(
                scores, len(index), candidates.shape[1], "the candidates"
            )
        labels = inputs.batch_labels(
            targets,
            exclude,
            start,
            stop,
            num_items,
            None if candidates is None else candidates[start:stop],
        )
        nan_rows = np.isnan(scores[:rows]).any(axis=1)
        if nan_rows.any():
            bad = start + int(np.flatnonzero(nan_rows)[0])
            raise ValueError(f"The scorer returned NaN scores (user row {bad}).")
        if k_max > scores.shape[1]:
            raise ValueError(
                f"`ks` must not exceed the number of ranked items n. Received: "
                f"k={k_max}, n={scores.shape[1]}"
            )
        if rows < len(index):
            # Padded rows have no relevant item: they carry no weight.
            labels = np.concatenate(
                [labels, np.zeros((len(index) - rows, labels.shape[1]), "float32")]
            )
        if stream is None:
            batch = keras.ops.convert_to_numpy(batch_sums(labels, scores))
        else:
            batch = stream.update_from_ranking(
                batch_sums,
                labels,
                scores,
                rows,
                None if candidates is None else candidates[index],
            )
        sums = batch if sums is None else sums + batch
        counted += int((labels > 0).any(axis=1).sum())
        if progbar is not None:
            progbar.update(b + 1)
    if not counted:
        raise ValueError(
            "No user has a target to evaluate (every metric would be 0/0): "
            "`targets` holds no item id in 1..num_items-1 once padding (code 0), "
            f"unknown items and unknown users are left out. Left out: {unknown}"
        )
    # `sums` is ordered by k, then metric; the result by metric, then k.
    sums = dict(zip([(m, k) for k in ks for m in metrics], sums))
    results = {f"{m}@{k}": float(sums[m, k]) / counted for m in metrics for k in ks}
    if stream is not None:
        results.update(stream.result())
    results["num_users"] = counted
    if unknown:
        warnings.warn(
            f"evaluate_topk left out unknown users or items: {unknown}. They "
            "cannot be scored (no trained row); they are not counted.",
            stacklevel=2,
        )
    return {**results, **unknown}


@functools.lru_cache(maxsize=32)
def _batch_sums_fn(metrics, ks, cap_at_k, gain, with_items=False):
    """`row_functions.batch_sums` for these settings, compiled for the backend
    (`batch_sums_and_items` with `with_items`).

    Cached (see `backend_utils.compile_function`) so that every call of
    `evaluate_topk` with the same settings reuses one compiled function.
    """
    options = {"cap_at_k": cap_at_k, "gain": gain}
    return backend_utils.compile_function(
        functools.partial(
            row_functions.batch_sums_and_items
            if with_items
            else row_functions.batch_sums,
            metrics,
            ks,
            options,
        )
    )
