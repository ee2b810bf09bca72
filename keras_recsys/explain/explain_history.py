import keras
import numpy as np

from keras_recsys.explain import _common
from keras_recsys.explain.explanation import Explanation
from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

METHODS = ("occlusion", "greedy_occlusion", "integrated_gradients", "attention")


def _split_inputs(model, inputs, main):
    """Returns (the user's main input as a 1-D array, the other inputs)."""
    others = {}
    if isinstance(inputs, dict):
        if main not in inputs:
            raise ValueError(
                f"`inputs` must hold the model's input {main!r}. Received the "
                f"keys {sorted(inputs)}"
            )
        others = {k: np.asarray(v) for k, v in inputs.items() if k != main}
        inputs = inputs[main]
    if hasattr(inputs, "toarray"):  # one row of a scipy sparse matrix
        inputs = inputs.toarray()
    values = np.asarray(inputs)
    if values.ndim == 2 and values.shape[0] == 1:
        values = values[0]
    if values.ndim != 1:
        raise ValueError(
            f"`inputs` must be one user's {main!r} (1-D, or a batch of one). "
            f"Received shape {values.shape}"
        )
    missing = sorted(set(_common.input_names(model)) - {main} - set(others))
    if missing:
        raise ValueError(f"`inputs` must also hold the model inputs {missing}.")
    # The other inputs (CDAE's `user_id`) are one user's, without batch axis.
    return values, {k: v[None] for k, v in others.items()}


def _repeat(others, n):
    return {k: np.repeat(v, n, axis=0) for k, v in others.items()}


def _call(model, main, batch, others):
    if not others and len(model.inputs) == 1:
        return model(batch, training=False)
    # Keras takes a dict of tensors, not a mix of tensors and arrays.
    inputs = {main: batch, **_repeat(others, len(batch))}
    return model(
        {k: keras.ops.convert_to_tensor(v) for k, v in inputs.items()}, training=False
    )


def _left_pad(rows, max_len):
    out = np.zeros((len(rows), max_len), dtype="int32")
    for r, row in enumerate(rows):
        if len(row):
            out[r, max_len - len(row) :] = row
    return out


# ---------------------------------------------------------------- sequences


def _sequence_history(model, values):
    max_len = model.inputs[0].shape[1] if len(model.inputs) == 1 else None
    for t in model.inputs:
        if t.name == _common.SEQUENCE_INPUT:
            max_len = t.shape[1]
    if values.dtype.kind not in "iu":
        raise TypeError(
            f"`inputs` of a sequence model must be integer item ids. Received "
            f"dtype {values.dtype}"
        )
    history = values[values != 0]
    # The model sees the latest max_len items; they are the ones explained.
    return history[-max_len:].astype("int32"), max_len


def _scores(model, main, rows, others, item, batch_size):
    """Scores of `item` for each of `rows`, in batches.

    Each batch is padded (see `_common.padded_rows`) so that explanations
    of histories of different lengths reuse a few input shapes.
    """
    scores = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        out = _call(model, main, _common.padded_rows(chunk, batch_size), others)
        scores.append(_common.to_numpy(_common.item_scores(out, item))[: len(chunk)])
    return np.concatenate(scores).astype("float64")


def _sequence_occlusion(model, history, max_len, others, item, batch_size):
    rows = [history] + [np.delete(history, t) for t in range(len(history))]
    scores = _scores(
        model,
        _common.SEQUENCE_INPUT,
        _left_pad(rows, max_len),
        others,
        item,
        batch_size,
    )
    return scores[0], scores[0] - scores[1:]


def _sequence_integrated_gradients(model, history, max_len, others, item, steps):
    layer = _common.sequence_embedding_layer(model)
    padded = _left_pad([history], max_len)
    alphas = _common.midpoints(steps)

    def scale(weights):
        def wrapper(original, inputs, *args, **kwargs):
            out = original(inputs, *args, **kwargs)
            if kwargs.get("mode", "embed") != "embed":
                return out  # TiedItemEmbedding scoring the outputs
            return weights(out)

        return wrapper

    batch = np.repeat(padded, steps, axis=0)
    shape = (-1,) + (1,) * 2
    alpha = keras.ops.reshape(keras.ops.convert_to_tensor(alphas), shape)

    def score(delta):
        with _common.wrapped_calls({layer: scale(lambda out: out * alpha + delta)}):
            out = _call(model, _common.SEQUENCE_INPUT, batch, others)
        return _common.item_scores(out, item)

    vectors = _common.to_numpy(layer(padded))[0]
    _, (grad,) = backend_utils.value_and_gradients(
        score, [np.zeros((steps,) + vectors.shape, "float32")]
    )
    mean_grad = _common.to_numpy(grad).mean(axis=0)
    per_position = np.sum(vectors * mean_grad, axis=-1)[max_len - len(history) :]
    # The input (weight 1) and the baseline (weight 0) in one padded batch.
    ends = _common.padded_rows(np.repeat(padded, 2, axis=0))
    weight = np.zeros((len(ends), 1, 1), "float32")
    weight[0] = 1.0
    weight = keras.ops.convert_to_tensor(weight)
    with _common.wrapped_calls({layer: scale(lambda out: out * weight)}):
        out = _call(model, _common.SEQUENCE_INPUT, ends, others)
    full, baseline = _common.to_numpy(_common.item_scores(out, item))[:2]
    return float(full), per_position.astype("float64"), float(baseline)


def _sequence_attention(model, history, max_len, others, item):
    encoders = [x for x in model.layers if isinstance(x, TransformerSequenceEncoder)]
    if not encoders:
        raise ValueError(
            "method='attention' needs a self-attention model (build_sasrec); "
            f"{model.name!r} has no TransformerSequenceEncoder."
        )
    attention = encoders[0].attentions[-1]
    recorded = []

    def keep_scores(original, *args, **kwargs):
        kwargs["return_attention_scores"] = True
        out, weights = original(*args, **kwargs)
        recorded.append(weights)
        return out

    padded = _common.padded_rows(_left_pad([history], max_len))
    with _common.wrapped_calls({attention: keep_scores}):
        out = _call(model, _common.SEQUENCE_INPUT, padded, others)
    score = _common.to_numpy(_common.item_scores(out, item))[0]
    # (1, heads, query, key): the last position's query, averaged over heads.
    weights = _common.to_numpy(recorded[-1])[0].mean(axis=0)[-1]
    return float(score), weights[max_len - len(history) :].astype("float64")


# ------------------------------------------------------------- autoencoders


def _row_occlusion(model, row, history, others, item, batch_size):
    rows = np.repeat(row[None], len(history) + 1, axis=0)
    rows[np.arange(1, len(history) + 1), history] = 0.0
    scores = _scores(model, _common.ROW_INPUT, rows, others, item, batch_size)
    return scores[0], scores[0] - scores[1:]


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


def _normalizes_rows(model):
    return any(getattr(layer, "l2_normalize", False) for layer in model.layers)


def _row_integrated_gradients(model, row, history, others, item, steps, baseline):
    if baseline is None:
        baseline = np.zeros_like(row)
        if _normalizes_rows(model):
            # The score is blind to the row's scale, so the zero row is no
            # baseline (every path from it gives 0): spread the row's total
            # evenly over the items instead.
            baseline[:] = row.sum() / row.size
    baseline = np.asarray(baseline, dtype="float32")
    if baseline.shape != row.shape:
        raise ValueError(
            f"`baseline` must have the row's shape {row.shape}. Received "
            f"shape {baseline.shape}"
        )
    alphas = _common.midpoints(steps)[:, None]
    path = baseline[None] + alphas * (row - baseline)[None]

    def score(rows):
        return _common.item_scores(_call(model, _common.ROW_INPUT, rows, others), item)

    _, (grad,) = backend_utils.value_and_gradients(score, [path])
    attributions = (row - baseline) * _common.to_numpy(grad).mean(axis=0)
    full, base = _scores(
        model, _common.ROW_INPUT, np.stack([row, baseline]), others, item, 2
    )
    rest = np.ones(row.size, bool)
    rest[history] = False
    return (
        full,
        attributions[history].astype("float64"),
        float(base),
        float(attributions[rest].sum()),
    )


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

    Ids: `item` and `inputs` are in the model's ids (sequence ids
    `1..num_items`, or row columns); the result is in raw ids when an
    `item_encoder` is given, with titles from `item_titles`.

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

    Returns:
        A `keras_recsys.explain.Explanation` of kind `"history"`: one value
        per history item (oldest first; for `"greedy_occlusion"` one per
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
    steps = _common.check_steps(steps)
    batch_size = check_positive_int("batch_size", batch_size)
    removals = check_positive_int("removals", removals)
    names = _common.ItemNames(item_encoder, item_titles)
    kind = _common.model_kind(model)
    num_columns = model.outputs[0].shape[-1]
    baseline_score, remainder = None, 0.0
    if kind == "sequence":
        values, others = _split_inputs(model, inputs, _common.SEQUENCE_INPUT)
        item = _common.check_item(item, num_columns, first=1)
        history, max_len = _sequence_history(model, values)
        positions = np.arange(len(history))
        if method == "occlusion":
            score, attributions = _sequence_occlusion(
                model, history, max_len, others, item, batch_size
            )
        elif method == "greedy_occlusion":

            def occlude(kept):
                return _sequence_occlusion(
                    model, history[kept], max_len, others, item, batch_size
                )

            score, positions, attributions = _greedy_occlusion(
                occlude, len(history), removals
            )
        elif method == "integrated_gradients":
            score, attributions, baseline_score = _sequence_integrated_gradients(
                model, history, max_len, others, item, steps
            )
        else:
            score, attributions = _sequence_attention(
                model, history, max_len, others, item
            )
        ids = history[positions]
    elif kind == "autoencoder":
        if method == "attention":
            raise ValueError(
                "method='attention' needs a self-attention model (build_sasrec); "
                "autoencoders have no attention."
            )
        values, others = _split_inputs(model, inputs, _common.ROW_INPUT)
        item = _common.check_item(item, num_columns)
        row = values.astype("float32")
        if row.shape[0] != num_columns or not np.all(np.isfinite(row)):
            raise ValueError(
                f"`inputs` must be a finite row of {num_columns} entries. "
                f"Received shape {row.shape}"
            )
        ids = positions = np.flatnonzero(row)
        if method == "occlusion":
            score, attributions = _row_occlusion(
                model, row, ids, others, item, batch_size
            )
        elif method == "greedy_occlusion":
            history = ids

            def occlude(kept):
                current = np.zeros_like(row)
                current[history[kept]] = row[history[kept]]
                return _row_occlusion(
                    model, current, history[kept], others, item, batch_size
                )

            score, order, attributions = _greedy_occlusion(
                occlude, len(history), removals
            )
            ids = positions = history[order]
        else:
            score, attributions, baseline_score, remainder = _row_integrated_gradients(
                model, row, ids, others, item, steps, baseline
            )
    else:
        raise ValueError(
            "explain_history explains models whose input is `item_sequence` or "
            "`interactions`; use keras_recsys.explain.explain_features for "
            f"feature models. Received a model with inputs "
            f"{_common.input_names(model)}"
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
