import keras
import numpy as np

from keras_recsys.explain import _common
from keras_recsys.explain.explanation import Explanation
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of

METHODS = ("integrated_gradients", "occlusion")


def _one_example(model, features):
    names = _common.input_names(model)
    if not isinstance(features, dict):
        raise TypeError(
            f"`features` must be a dict of the model's inputs {sorted(names)}. "
            f"Received: {type(features).__name__}"
        )
    missing = sorted(set(names) - set(features))
    extra = sorted(set(features) - set(names))
    if missing or extra:
        raise ValueError(
            f"`features` must hold exactly the model's inputs {sorted(names)}. "
            f"Missing {missing}, unexpected {extra}"
        )
    # One example, without batch axis -> a batch of one.
    return {name: np.asarray(features[name])[None] for name in names}


def _label(name, value):
    value = np.asarray(value)
    if value.ndim == 0:
        return f"{name}={value.item()}"
    if value.dtype.kind in "iu":
        shown = [int(v) for v in value.ravel() if v != 0]
    else:
        shown = [round(float(v), 3) for v in value.ravel()]
    return f"{name}={shown}"


class _Paths:
    """Moves each feature between its baseline and its value, row by row.

    Row `r` of a batch sees feature `f` at `base_f + w[r, f] * (x_f -
    base_f) + delta_f[r]`: for id features on the outputs of every
    embedding table the feature reads, for numeric features on the input
    itself. `w = 1` everywhere is the example, `w = 0` its baseline.
    """

    def __init__(self, model, example, baselines):
        self.model = model
        self.example = example
        self.names = list(example)
        self.tables = _common.feature_embedding_layers(model)
        self.numeric = [
            n
            for n in self.names
            if n not in self.tables and example[n].dtype.kind == "f"
        ]
        unexplained = sorted(set(self.names) - set(self.tables) - set(self.numeric))
        if unexplained:
            raise ValueError(
                f"Found no embedding table for the id features {unexplained}; "
                "explain_features reads the tables of build_two_tower, "
                "build_deepfm and build_rating_model."
            )
        baselines = dict(baselines or {})
        unknown = sorted(set(baselines) - set(self.names))
        if unknown:
            raise ValueError(
                f"`baselines` names unknown features {unknown}; the features are "
                f"{self.names}"
            )
        self.base_inputs = {}
        for n in self.numeric:
            value = baselines.get(n, 0.0)
            self.base_inputs[n] = np.broadcast_to(
                np.asarray(value, "float32"), example[n].shape
            ).copy()
        # Embedding outputs at the baseline: zero vectors, or the vectors of
        # a baseline id given in `baselines`.
        self.base_outputs = {}
        given = {n: v for n, v in baselines.items() if n in self.tables}
        if given:
            inputs = dict(example)
            for n, v in given.items():
                inputs[n] = np.broadcast_to(
                    np.asarray(v, example[n].dtype), example[n].shape
                ).copy()
            wrappers = {}
            for n in given:
                for layer in self.tables[n]:
                    wrappers[layer] = self._recorder(layer)
            with _common.wrapped_calls(wrappers):
                model(inputs, training=False)

    def _recorder(self, layer):
        def wrapper(original, *args, **kwargs):
            out = original(*args, **kwargs)
            self.base_outputs[id(layer)] = out
            return out

        return wrapper

    def scores(self, weights, deltas=None):
        """Scores of the rows of `weights` `(rows, num_features)`."""
        if deltas is None:  # a plain forward pass: pad it to a shared shape
            count = weights.shape[0]
            return self.scores(_common.padded_rows(weights), deltas=())[:count]
        rows = weights.shape[0]
        deltas = deltas or None
        w = keras.ops.convert_to_tensor(weights.astype("float32"))
        wrappers = {}
        for f, n in enumerate(self.names):
            for layer in self.tables.get(n, ()):
                wrappers[layer] = self._mover(layer, w[:, f], deltas, n)
        inputs = {
            n: keras.ops.convert_to_tensor(np.repeat(v, rows, axis=0))
            for n, v in self.example.items()
        }
        for f, n in enumerate(self.names):
            if n in self.numeric:
                x = keras.ops.convert_to_tensor(self.example[n], "float32")
                base = keras.ops.convert_to_tensor(self.base_inputs[n], "float32")
                moved = base + keras.ops.reshape(w[:, f], (-1, 1)) * (x - base)
                if deltas is not None:
                    moved = moved + deltas[n]
                inputs[n] = moved
        with _common.wrapped_calls(wrappers):
            out = self.model(inputs, training=False)
        return _common.pair_scores(out)

    def _mover(self, layer, weight, deltas, name):
        def wrapper(original, *args, **kwargs):
            out = original(*args, **kwargs)
            base = self.base_outputs.get(id(layer))
            shape = (-1,) + (1,) * (len(out.shape) - 1)
            weight_ = keras.ops.reshape(weight, shape)
            moved = out * weight_ if base is None else base + weight_ * (out - base)
            if deltas is not None:
                moved = moved + deltas[(name, id(layer))]
            return moved

        return wrapper

    def delta_shapes(self, rows):
        shapes = {}
        for n in self.names:
            if n in self.numeric:
                shapes[n] = (rows,) + self.example[n].shape[1:]
            for layer in self.tables.get(n, ()):
                out = layer(self.example[n])
                shapes[(n, id(layer))] = (rows,) + tuple(out.shape[1:])
        return shapes


def _integrated_gradients(paths, steps):
    names = paths.names
    alphas = _common.midpoints(steps)
    weights = np.repeat(alphas[:, None], len(names), axis=1)
    shapes = paths.delta_shapes(steps)
    keys = list(shapes)

    def score(*deltas):
        return paths.scores(weights, dict(zip(keys, deltas)))

    _, grads = backend_utils.value_and_gradients(
        score, [np.zeros(shapes[k], "float32") for k in keys]
    )
    # Along the path the feature moves by (x - base) per unit of alpha: the
    # derivative of each moved value with respect to alpha.
    totals = dict.fromkeys(names, 0.0)
    for key, grad in zip(keys, grads):
        mean_grad = _common.to_numpy(grad).mean(axis=0)
        name = key if isinstance(key, str) else key[0]
        if isinstance(key, str):
            change = paths.example[name][0] - paths.base_inputs[name][0]
        else:
            layer = next(t for t in paths.tables[name] if id(t) == key[1])
            value = _common.to_numpy(layer(paths.example[name]))[0]
            base = paths.base_outputs.get(id(layer))
            change = value if base is None else value - _common.to_numpy(base)[0]
        totals[name] += float(np.sum(mean_grad * change))
    ends = _common.to_numpy(
        paths.scores(np.stack([np.ones(len(names)), np.zeros(len(names))]))
    )
    return float(ends[0]), [totals[n] for n in names], float(ends[1])


def _occlusion(paths):
    count = len(paths.names)
    weights = np.vstack([np.ones((1, count)), 1.0 - np.eye(count)])
    scores = _common.to_numpy(paths.scores(weights)).astype("float64")
    return float(scores[0]), list(scores[0] - scores[1:])


@keras_recsys_export("keras_recsys.explain.explain_features")
def explain_features(
    model,
    features,
    method="integrated_gradients",
    steps=50,
    baselines=None,
    item=None,
    item_title=None,
):
    """Attributes one prediction of a feature model to each input feature.

    For `build_two_tower` (the retrieval model; the score is the user-item
    similarity of the pair), `build_deepfm` and `build_rating_model`. A
    feature is represented by everything the model reads from it: the
    vectors of every embedding table it feeds (DeepFM's field embedding and
    first-order weight, the rating model's id bias) or, for a numeric
    feature, its value. Its baseline is the zero vector (or, with
    `baselines={name: id}`, the vectors of that id) and 0 for numeric
    features (or `baselines[name]`).

    - `"integrated_gradients"`: all features move together along the
      straight path from their baselines to their values; each feature's
      attribution is its share of `score - baseline_score` (completeness),
      by the midpoint rule with `steps` points (one batched forward and
      backward pass).
    - `"occlusion"`: the score drop when that feature alone is set to its
      baseline (one batched forward pass).

    Args:
        model: a `keras.Model` from `build_two_tower` (the retrieval model),
            `build_deepfm` or `build_rating_model`.
        features: dict of the model's inputs for one example, without batch
            axis (`{"user_id": 3, "item_id": 7, "genres": [1, 4]}`).
        method: str. `"integrated_gradients"` or `"occlusion"`. Defaults to
            `"integrated_gradients"`.
        steps: int. Integration steps. Defaults to `50`.
        baselines: optional dict feature name -> baseline id or value.
            Defaults to `None` (zero vectors, and 0 for numeric features).
        item: optional raw id of the scored item, for the sentence.
        item_title: optional title of the scored item.

    Returns:
        A `keras_recsys.explain.Explanation` of kind `"features"`: `ids` are
        the feature names, `titles` read `name=value`.

    Example:

    ```python
    import keras_recsys

    model = keras_recsys.models.build_deepfm(
        {"user_id": 10, "item_id": 20, "gender": 2}, embedding_dim=4
    )
    explanation = keras_recsys.explain.explain_features(
        model, {"user_id": 3, "item_id": 7, "gender": 1}
    )
    sum(explanation.values)  # ~ explanation.score - explanation.baseline_score
    ```

    References:
        - Sundararajan, Taly & Yan. [Axiomatic Attribution for Deep
          Networks](https://arxiv.org/abs/1703.01365). ICML 2017.
    """
    check_one_of("method", method, METHODS)
    steps = _common.check_steps(steps)
    if _common.model_kind(model) != "features":
        raise ValueError(
            "explain_features explains feature models; use "
            "keras_recsys.explain.explain_history for models whose input is "
            "`item_sequence` or `interactions`."
        )
    example = _one_example(model, features)
    paths = _Paths(model, example, baselines)
    baseline_score = None
    if method == "integrated_gradients":
        score, values, baseline_score = _integrated_gradients(paths, steps)
    else:
        score, values = _occlusion(paths)
    return Explanation(
        item=item,
        item_title=item_title,
        score=score,
        method=method,
        kind="features",
        ids=paths.names,
        titles=[_label(n, example[n][0]) for n in paths.names],
        values=values,
        baseline_score=baseline_score,
    )
