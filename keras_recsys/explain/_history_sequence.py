"""explain_history's methods for next-item models (input `item_sequence`)."""

import keras
import numpy as np

from keras_recsys.explain import _common
from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.utils import backend_utils


def left_pad(rows, max_len):
    out = np.zeros((len(rows), max_len), dtype="int32")
    for r, row in enumerate(rows):
        if len(row):
            out[r, max_len - len(row) :] = row
    return out


def history(model, values):
    """The explained history (the latest `max_len` items) and `max_len`."""
    max_len = model.inputs[0].shape[1] if len(model.inputs) == 1 else None
    for t in model.inputs:
        if t.name == _common.SEQUENCE_INPUT:
            max_len = t.shape[1]
    if values.dtype.kind not in "iu":
        raise TypeError(
            f"`inputs` of a sequence model must be integer item ids. Received "
            f"dtype {values.dtype}"
        )
    items = values[values != 0]
    return items[-max_len:].astype("int32"), max_len


def occlusion(scorer, items, max_len):
    """(value at `items`, drop when each item is deleted and the older ones
    shift one place towards the end)."""
    rows = [items] + [np.delete(items, t) for t in range(len(items))]
    values = scorer.rows(left_pad(rows, max_len))
    return values[0], values[0] - values[1:]


def _scaled(weights):
    """Wraps the item embedding's "embed" call to rescale its vectors."""

    def wrapper(original, inputs, *args, **kwargs):
        out = original(inputs, *args, **kwargs)
        if kwargs.get("mode", "embed") != "embed":
            return out  # TiedItemEmbedding scoring the outputs
        return weights(out)

    return wrapper


def integrated_gradients(scorer, items, max_len, steps):
    model = scorer.model
    layer = _common.sequence_embedding_layer(model)
    padded = left_pad([items], max_len)
    # The candidates stay those of the input along the whole path.
    excluded = scorer.excluded(padded)
    batch = np.repeat(padded, steps, axis=0)
    alpha = keras.ops.reshape(
        keras.ops.convert_to_tensor(_common.midpoints(steps)), (-1, 1, 1)
    )

    def value(delta):
        wrap = _scaled(lambda out: out * alpha + delta)
        with _common.wrapped_calls({layer: wrap}):
            return scorer(batch, excluded)

    vectors = _common.to_numpy(layer(padded))[0]
    _, (grad,) = backend_utils.value_and_gradients(
        value, [np.zeros((steps,) + vectors.shape, "float32")]
    )
    mean_grad = _common.to_numpy(grad).mean(axis=0)
    per_position = np.sum(vectors * mean_grad, axis=-1)[max_len - len(items) :]
    # The input (weight 1) and the baseline (weight 0) in one padded batch.
    ends = _common.padded_rows(np.repeat(padded, 2, axis=0))
    weight = np.zeros((len(ends), 1, 1), "float32")
    weight[0] = 1.0
    weight = keras.ops.convert_to_tensor(weight)
    with _common.wrapped_calls({layer: _scaled(lambda out: out * weight)}):
        full, baseline = _common.to_numpy(scorer(ends, excluded))[:2]
    return float(full), per_position.astype("float64"), float(baseline)


def attention(scorer, items, max_len):
    model = scorer.model
    encoders = [x for x in model.layers if isinstance(x, TransformerSequenceEncoder)]
    if not encoders:
        raise ValueError(
            "method='attention' needs a self-attention model (build_sasrec); "
            f"{model.name!r} has no TransformerSequenceEncoder."
        )
    recorded = []

    def keep_scores(original, *args, **kwargs):
        kwargs["return_attention_scores"] = True
        out, weights = original(*args, **kwargs)
        recorded.append(weights)
        return out

    padded = _common.padded_rows(left_pad([items], max_len))
    with _common.wrapped_calls({encoders[0].attentions[-1]: keep_scores}):
        value = _common.to_numpy(scorer(padded))[0]
    # (1, heads, query, key): the last position's query, averaged over heads.
    weights = _common.to_numpy(recorded[-1])[0].mean(axis=0)[-1]
    return float(value), weights[max_len - len(items) :].astype("float64")
