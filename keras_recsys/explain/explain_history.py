import numpy as np

from keras_recsys.explain import _common
from keras_recsys.explain import _history_rows
from keras_recsys.explain import _history_sequence
from keras_recsys.explain.explanation import Explanation
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

METHODS = ("occlusion", "greedy_occlusion", "integrated_gradients", "attention")


def _greedy_occlusion(occlude, size, removals):
    """Iterative deletion: remove the item whose removal drops the score
    most, re-score, repeat.

    `occlude(kept)` scores the input restricted to the items at indices
    `kept` (in `0..size-1`) and returns `(score, drops)`, `drops[i]` the
    exact score drop when `kept[i]` is removed too (one batched occlusion).
    Returns the full input's score, the removed indices in removal order and
    their marginal drops. Ties go to the earliest index, as in `np.argmax`.
    """
    kept = np.arange(size)
    score, values = occlude(kept)
    order, drops = [], []
    for step in range(min(removals, size)):
        if step:
            _, values = occlude(kept)
        best = int(np.argmax(values))
        order.append(int(kept[best]))
        drops.append(float(values[best]))
        kept = np.delete(kept, best)
    return score, np.array(order, dtype="int64"), np.array(drops, dtype="float64")


@keras_recsys_export("keras_recsys.explain.explain_history")
def explain_history(
    model,
    inputs,
    item,
    method="occlusion",
    steps=50,
    baseline=None,
    item_encoder=None,
    item_titles=None,
    batch_size=256,
    removals=5,
    target="score",
):
    """Attributes one item's score to each item of the user's history.

    For the next-item models (`build_sasrec`, `build_gru4rec`,
    `build_caser`; input `item_sequence`) and the autoencoders
    (`build_mult_vae`, `build_mult_dae`, `build_cdae`, `build_autorec`;
    input `interactions`, the user's row). Four methods:

    - `"occlusion"` (exact, model-agnostic, one forward pass per history
      item, batched): the score drop when the item is removed, `score(x) -
      score(x without the item)`. In a sequence the item is deleted and the
      older items move one place towards the end, so the most recent items
      keep their distance to the end and the sequence is left-padded again
      (the builders' outputs do not depend on the amount of padding); in a
      row the item's entry is set to 0.
    - `"greedy_occlusion"` (exact, model-agnostic; `removals` rounds of
      occlusion, each one batched forward pass): iterative deletion. Remove
      the item whose removal drops the score most, re-score the rest, repeat
      `removals` times. The result lists only the removed items, **in
      removal order** (not oldest first), each with its marginal drop, the
      score drop of removing it after the items before it; the drops sum to
      `score(x) - score(x without all of them)`. Its first item and value
      are occlusion's largest. Use it to pick the `m > 1` items whose joint
      removal matters most: the `m` largest single-item drops ignore how the
      items interact once some are gone.
    - `"integrated_gradients"` (Sundararajan et al., 2017; `steps` forward
      and backward passes in one batch): the gradient of the score
      integrated along the straight path from a baseline to the input, times
      (input - baseline), by the midpoint rule. Sequences: over the input
      item vectors (output of the model's `item_embedding` layer), from zero
      vectors at the same real positions (the padding mask and positions are
      kept), summed over the vector's size. Rows: over the row's entries, from
      `baseline` (zeros; for Mult-VAE and Mult-DAE, which L2-normalize the row
      and so ignore its scale, the row's total spread evenly over all items).
      The attributions sum to `score - baseline_score` (completeness) up to
      the integration error; the part on the row's non-history entries is
      `remainder`.
    - `"attention"` (SASRec only, one forward pass): the last block's
      attention weights of the last position over the history, averaged over
      heads. A cheap view of what the model looked at; it is **not** a
      faithful measure of influence (it ignores the values, residual paths
      and the earlier blocks), so prefer occlusion to justify a
      recommendation.

    What is explained (`target`): `"score"`, the model's output for the
    item (a logit); `"log_softmax"`, the item's log-probability under a
    softmax over the items that can be recommended to this input (the
    catalog less code 0 and the input's own history: an item removed from
    the history becomes a candidate again); `"margin"`, the item's score
    minus the best other candidate's. Removing a history item moves all the
    scores, so the last two say how the item fares against the other items,
    which is what its rank is made of.

    Ids: `item` and `inputs` are in the model's codes (`1..num_items - 1`,
    `num_items` the size of the id table, the model's output columns; 0 is
    padding); the result is in raw ids when an `item_encoder` is given, with
    titles from `item_titles`.

    Args:
        model: a `keras.Model` from one of the builders above (for sequence
            models the default last-position build, catalog output).
        inputs: one user's input, without batch axis: for sequence models
            the item ids in time order (0 = padding, skipped; only the latest
            `max_len` are seen and explained), for autoencoders the row
            `(num_items,)` (dense, or one row of a scipy sparse matrix). A
            dict holds the model's other inputs too (CDAE's `user_id`).
        item: int. The model id of the recommended item.
        method: str. `"occlusion"`, `"greedy_occlusion"`,
            `"integrated_gradients"` or `"attention"`. Defaults to
            `"occlusion"`.
        steps: int. Integration steps of integrated gradients. Defaults to
            `50`.
        baseline: optional row `(num_items,)`, the integrated-gradients
            baseline of an autoencoder. Defaults to `None` (see above).
        item_encoder: optional `keras_recsys.data.IdEncoder` that made the
            model ids, to report raw ids. Defaults to `None`.
        item_titles: optional mapping raw id -> title (dict or pandas
            Series). Defaults to `None`.
        batch_size: int. Rows scored per forward pass. Defaults to `256`.
        removals: int. Items greedy occlusion removes (at most the history's
            length; other methods ignore it). Defaults to `5`.
        target: str. The explained quantity: `"score"`, `"log_softmax"` or
            `"margin"` (see above). Defaults to `"score"`.

    Returns:
        A `keras_recsys.explain.Explanation` of kind `"history"` (its
        `score` is the `target` at the input): one value per history item (oldest first; for `"greedy_occlusion"` one per
        removed item, in removal order), `positions` its index in the
        history (sequences) or its column (rows).

    Example:

    ```python
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_sasrec(num_items=20, max_len=6, embedding_dim=8)
    explanation = keras_recsys.explain.explain_history(
        model, np.array([3, 5, 7, 9]), item=11
    )
    explanation.values  # the score drop when 3, 5, 7 or 9 is removed
    explanation.sentence()
    greedy = keras_recsys.explain.explain_history(
        model, np.array([3, 5, 7, 9]), item=11, method="greedy_occlusion", removals=2
    )
    greedy.ids  # the two items removed, in removal order
    keras_recsys.explain.explain_history(
        model, np.array([3, 5, 7, 9]), item=11, target="log_softmax"
    ).values  # the drop of the item's log-probability among the candidates
    ```

    References:
        - Sundararajan, Taly & Yan. [Axiomatic Attribution for Deep
          Networks](https://arxiv.org/abs/1703.01365). ICML 2017.
        - Zeiler & Fergus. [Visualizing and Understanding Convolutional
          Networks](https://arxiv.org/abs/1311.2901). ECCV 2014 (occlusion).
        - Jain & Wallace. [Attention is not
          Explanation](https://arxiv.org/abs/1902.10186). NAACL 2019.
    """
    check_one_of("method", method, METHODS)
    check_one_of("target", target, _common.TARGETS)
    steps = _common.check_steps(steps)
    batch_size = check_positive_int("batch_size", batch_size)
    removals = check_positive_int("removals", removals)
    names = _common.ItemNames(item_encoder, item_titles)
    kind = _common.model_kind(model)
    num_columns = model.outputs[0].shape[-1]
    if kind == "features":
        raise ValueError(
            "explain_history explains models whose input is `item_sequence` or "
            "`interactions`; use keras_recsys.explain.explain_features for "
            f"feature models. Received a model with inputs "
            f"{_common.input_names(model)}"
        )
    if kind == "autoencoder" and method == "attention":
        raise ValueError(
            "method='attention' needs a self-attention model (build_sasrec); "
            "autoencoders have no attention."
        )
    main = _common.SEQUENCE_INPUT if kind == "sequence" else _common.ROW_INPUT
    values, others = _common.split_inputs(model, inputs, main)
    item = _common.check_item(item, num_columns, first=1)
    scorer = _common.Scorer(model, kind, others, item, target, batch_size)
    baseline_score, remainder = None, 0.0
    if kind == "sequence":
        history, max_len = _history_sequence.history(model, values)
        positions = np.arange(len(history))
        if method == "occlusion":
            score, attributions = _history_sequence.occlusion(scorer, history, max_len)
        elif method == "greedy_occlusion":

            def occlude(kept):
                return _history_sequence.occlusion(scorer, history[kept], max_len)

            score, positions, attributions = _greedy_occlusion(
                occlude, len(history), removals
            )
        elif method == "integrated_gradients":
            score, attributions, baseline_score = (
                _history_sequence.integrated_gradients(scorer, history, max_len, steps)
            )
        else:
            score, attributions = _history_sequence.attention(scorer, history, max_len)
        ids = history[positions]
    else:
        row = values.astype("float32")
        if row.shape[0] != num_columns or not np.all(np.isfinite(row)):
            raise ValueError(
                f"`inputs` must be a finite row of {num_columns} entries. "
                f"Received shape {row.shape}"
            )
        ids = positions = np.flatnonzero(row)
        if method == "occlusion":
            score, attributions = _history_rows.occlusion(scorer, row, ids)
        elif method == "greedy_occlusion":
            history = ids

            def occlude(kept):
                current = np.zeros_like(row)
                current[history[kept]] = row[history[kept]]
                return _history_rows.occlusion(scorer, current, history[kept])

            score, order, attributions = _greedy_occlusion(
                occlude, len(history), removals
            )
            ids = positions = history[order]
        else:
            score, attributions, baseline_score, remainder = (
                _history_rows.integrated_gradients(scorer, row, ids, steps, baseline)
            )
    raw = names.raw(ids)
    (raw_item,) = names.raw([item])
    return Explanation(
        item=raw_item,
        item_title=names.title(raw_item),
        score=score,
        method=method,
        kind="history",
        ids=raw,
        titles=[names.title(r) for r in raw],
        values=attributions,
        positions=positions,
        baseline_score=baseline_score,
        remainder=remainder,
    )
