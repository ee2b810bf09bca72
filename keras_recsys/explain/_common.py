"""Shared helpers of the explainers (not public)."""

import contextlib

import keras
import numpy as np

from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.utils import backend_utils
from keras_recsys.utils.validation import check_positive_int

SEQUENCE_INPUT = "item_sequence"
ROW_INPUT = "interactions"


def input_names(model):
    if not isinstance(model, keras.Model) or not getattr(model, "inputs", None):
        raise TypeError(
            "`model` must be a functional keras.Model built by keras_recsys. "
            f"Received: model={model!r}"
        )
    return [t.name for t in model.inputs]


def model_kind(model):
    """ "sequence" (input `item_sequence`), "autoencoder" (input
    `interactions`) or "features" (named feature inputs)."""
    names = input_names(model)
    if SEQUENCE_INPUT in names:
        return "sequence"
    if ROW_INPUT in names:
        return "autoencoder"
    return "features"


def check_steps(steps):
    return check_positive_int("steps", steps)


@contextlib.contextmanager
def wrapped_calls(wrappers):
    """Temporarily routes each layer's `call` through a wrapper.

    `wrappers` maps a layer to `fn(original_call, *args, **kwargs)`. The
    functional model calls its layers through `Layer.__call__`, which calls
    `self.call`, so an instance attribute replaces the method for the time
    of the block (the mask, training flag and dtype handling stay Keras's).
    """
    done = []
    try:
        for layer, fn in wrappers.items():
            original = layer.call

            def call(*args, _fn=fn, _original=original, **kwargs):
                return _fn(_original, *args, **kwargs)

            layer.call = call
            done.append(layer)
        yield
    finally:
        for layer in done:
            del layer.call


def to_numpy(x):
    return np.asarray(backend_utils.to_numpy(x))


def item_scores(outputs, item):
    """Score of `item` in each row of a model's outputs."""
    if len(outputs.shape) == 3:
        raise ValueError(
            "The model returns one score per position (return_sequences=True); "
            "explain the last-position model (the default build) instead."
        )
    return outputs[:, item]


def pair_scores(outputs):
    """One score per row of a feature model: `(batch, 1)` outputs, or the
    diagonal of the `(batch, batch)` similarities of a two-tower model."""
    if len(outputs.shape) == 2 and outputs.shape[-1] == 1:
        return outputs[:, 0]
    if len(outputs.shape) == 1:
        return outputs
    if len(outputs.shape) == 2 and outputs.shape[0] == outputs.shape[1]:
        return keras.ops.diagonal(outputs)
    raise ValueError(
        "A feature model must return one score per example, `(batch, 1)`, or "
        f"the `(batch, batch)` similarities of a two-tower model. Received "
        f"outputs of shape {tuple(outputs.shape)}"
    )


def check_item(item, num_columns, first=0):
    if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
        raise TypeError(f"`item` must be an integer id. Received: item={item!r}")
    item = int(item)
    if not first <= item < num_columns:
        raise ValueError(
            f"`item` must be an id in [{first}, {num_columns - 1}] (the model's "
            f"ids). Received: item={item}"
        )
    return item


class ItemNames:
    """Model ids -> raw ids (through an `IdEncoder`) -> titles."""

    def __init__(self, item_encoder=None, item_titles=None):
        if item_encoder is not None and not hasattr(item_encoder, "inverse_transform"):
            raise TypeError(
                "`item_encoder` must have `inverse_transform` (a "
                "keras_recsys.data.IdEncoder). Received: "
                f"item_encoder={item_encoder!r}"
            )
        if item_titles is not None and not hasattr(item_titles, "get"):
            if isinstance(item_titles, (list, tuple)):
                item_titles = dict(enumerate(item_titles))
            else:
                raise TypeError(
                    "`item_titles` must be a mapping raw id -> title (a dict or "
                    f"a pandas Series). Received: item_titles={item_titles!r}"
                )
        self.item_encoder = item_encoder
        self.item_titles = item_titles

    def raw(self, ids):
        ids = [int(i) for i in ids]
        if self.item_encoder is None or not ids:
            return ids
        raw = self.item_encoder.inverse_transform(np.asarray(ids, dtype="int64"))
        return [v.item() if isinstance(v, np.generic) else v for v in raw]

    def title(self, raw_id):
        if self.item_titles is None:
            return None
        title = self.item_titles.get(raw_id)
        return None if title is None else str(title)


def _leaf_layers(model):
    """The layers of `model`, those of nested models (two-tower's towers) included."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        else:
            yield layer


def feature_embedding_layers(model):
    """{feature name: [embedding layers it feeds]} of a feature model.

    `EmbeddingTower`s list their tables by feature (`tower.embeddings`); the
    builders name every other id table `<feature>_<role>` (DeepFM's
    `<field>_embedding` and `<field>_weight`, the rating model's
    `<feature>_bias`).
    """
    names = set(input_names(model))
    found = {}
    for layer in _leaf_layers(model):
        if isinstance(layer, EmbeddingTower):
            for name, table in layer.embeddings.items():
                found.setdefault(name, []).append(table)
        elif isinstance(layer, (IdEmbedding, keras.layers.Embedding)):
            prefix = layer.name.rsplit("_", 1)[0]
            if prefix in names:
                found.setdefault(prefix, []).append(layer)
    return found


def sequence_embedding_layer(model):
    """The layer that embeds `item_sequence` (the builders' `item_embedding`)."""
    try:
        return model.get_layer("item_embedding")
    except ValueError:
        pass
    for layer in model.layers:
        if isinstance(layer, (IdEmbedding, keras.layers.Embedding)):
            return layer
    raise ValueError(
        "Found no item embedding layer in the sequence model (expected a layer "
        "named 'item_embedding', as build_sasrec, build_gru4rec and build_caser "
        "make)."
    )


# Forward passes take at least this many rows (copies of the first): JAX and
# TensorFlow compile each new input shape once, so explanations of different
# histories, methods and calls then share their compiled shapes.
MIN_ROWS = 16


def padded_rows(rows, batch_size=None):
    """`rows` padded with copies of its first row to a power of two rows, at
    least `MIN_ROWS` (at most `batch_size` when given)."""
    size = max(MIN_ROWS, 1 << (len(rows) - 1).bit_length())
    if batch_size is not None:
        size = max(len(rows), min(size, batch_size))
    if size == len(rows):
        return rows
    return np.concatenate([rows, np.repeat(rows[:1], size - len(rows), axis=0)])


def midpoints(steps):
    """The `steps` interpolation points of the midpoint rule on [0, 1]."""
    return ((np.arange(steps) + 0.5) / steps).astype("float32")


# ------------------------------------------------- what an explanation explains

TARGETS = ("score", "log_softmax", "margin")


def excluded_items(rows, num_columns, kind):
    """`(len(rows), num_columns)` bool: the items that cannot be recommended
    for each input row, code 0 and the row's history (the ids in a sequence,
    the non-zero columns of an autoencoder row)."""
    rows = np.asarray(rows)
    if kind == "sequence":
        out = np.zeros((len(rows), num_columns), dtype=bool)
        out[np.arange(len(rows))[:, None], rows] = True
    else:
        out = rows != 0
    out[:, 0] = True
    return out


def target_scores(outputs, item, target="score", excluded=None):
    """The explained quantity of `item` in each row of a model's outputs.

    `"score"`: the model's output. `"log_softmax"`: the item's log-probability
    under a softmax over the items that can be recommended (the catalog less
    `excluded`, the item itself always kept). `"margin"`: the item's score
    minus the best score among the other items that can be recommended.
    Removing a history item changes all the scores; these two measure how the
    item fares against the others, which is what decides its rank.
    """
    scores = item_scores(outputs, item)
    if target == "score":
        return scores
    others = np.array(excluded, dtype=bool)
    others[:, item] = target == "margin"
    rest = keras.ops.where(keras.ops.convert_to_tensor(others), -1e9, outputs)
    if target == "log_softmax":
        return scores - keras.ops.logsumexp(rest, axis=-1)
    return scores - keras.ops.max(rest, axis=-1)


# ---------------------------------------------------- one user's forward passes


def split_inputs(model, inputs, main):
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
    missing = sorted(set(input_names(model)) - {main} - set(others))
    if missing:
        raise ValueError(f"`inputs` must also hold the model inputs {missing}.")
    # The other inputs (CDAE's `user_id`) are one user's, without batch axis.
    return values, {k: v[None] for k, v in others.items()}


def call(model, main, batch, others):
    if not others and len(model.inputs) == 1:
        return model(batch, training=False)
    # Keras takes a dict of tensors, not a mix of tensors and arrays.
    inputs = {
        main: batch,
        **{k: np.repeat(v, len(batch), 0) for k, v in others.items()},
    }
    return model(
        {k: keras.ops.convert_to_tensor(v) for k, v in inputs.items()}, training=False
    )


class Scorer:
    """The explained quantity of one item for a user's inputs.

    `kind` is `"sequence"` or `"autoencoder"`; `others` the model's other
    inputs (one user's); `target` one of `TARGETS`.
    """

    def __init__(self, model, kind, others, item, target, batch_size):
        self.model, self.kind, self.others = model, kind, others
        self.item, self.target, self.batch_size = item, target, batch_size
        self.main = SEQUENCE_INPUT if kind == "sequence" else ROW_INPUT
        self.num_columns = model.outputs[0].shape[-1]

    def excluded(self, rows):
        if self.target == "score":
            return None
        return excluded_items(rows, self.num_columns, self.kind)

    def __call__(self, batch, excluded=None):
        """Tensor of the quantity for each row of `batch` (differentiable);
        `excluded` defaults to the rows' own histories."""
        if excluded is None:
            excluded = self.excluded(batch)
        out = call(self.model, self.main, batch, self.others)
        return target_scores(out, self.item, self.target, excluded)

    def rows(self, rows):
        """float64 values for each of `rows`, in padded batches (see
        `padded_rows`: histories of different lengths reuse a few shapes)."""
        values = []
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            out = self(padded_rows(chunk, self.batch_size))
            values.append(to_numpy(out)[: len(chunk)])
        return np.concatenate(values).astype("float64")
