"""A test harness for keras_recsys objects (Keras's own is private).

`run_layer_test`, `run_loss_test`, `run_metric_test` and
`run_serialization_test` each check one public object end to end: output
shape, config and JSON round-trips, `.keras` save and safe-mode load with equal
outputs, one `fit` step and a `mixed_bfloat16` run. The inventory test finds
their calls in the test files to know which objects are covered, so the object
under test must be their first argument.
"""

import json
import os
import tempfile

import keras
import numpy as np

from keras_recsys.utils.api_export import PACKAGE
from keras_recsys.utils.api_export import registered_name


def _flatten(x):
    return keras.tree.flatten(x)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _is_float(x):
    return np.issubdtype(
        np.dtype(keras.backend.standardize_dtype(x.dtype)), np.floating
    ) or (keras.backend.standardize_dtype(x.dtype) in ("bfloat16", "float16"))


def _assert_allclose(a, b, atol, rtol, what):
    fa, fb = _flatten(a), _flatten(b)
    if len(fa) != len(fb):
        raise AssertionError(f"{what}: {len(fa)} outputs against {len(fb)}")
    for x, y in zip(fa, fb):
        np.testing.assert_allclose(
            _np(x).astype("float64"),
            _np(y).astype("float64"),
            atol=atol,
            rtol=rtol,
            err_msg=what,
        )


def _canonical(config):
    return json.loads(json.dumps(config, default=_json_default, sort_keys=True))


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (tuple, set)):
        return list(o)
    return str(o)


def check_registered(cls):
    """Asserts that `cls` is registered as `keras_recsys>ClassName`."""
    expected = f"{PACKAGE}>{cls.__name__}"
    got = registered_name(cls)
    if got != expected:
        raise AssertionError(
            f"{cls.__name__} is registered as {got!r}, expected {expected!r}"
        )


def check_config_round_trip(obj):
    """Checks `from_config(get_config())` and the JSON round-trip of `obj`.

    Returns the object rebuilt from JSON.
    """
    cls = type(obj)
    check_registered(cls)
    config = obj.get_config()
    rebuilt = cls.from_config(config)
    assert _canonical(rebuilt.get_config()) == _canonical(config), (
        f"{cls.__name__}: from_config(get_config()) changed the config"
    )
    serialized = keras.saving.serialize_keras_object(obj)
    assert serialized["registered_name"] == f"{PACKAGE}>{cls.__name__}", serialized
    text = json.dumps(serialized, default=_json_default)
    revived = keras.saving.deserialize_keras_object(json.loads(text))
    assert type(revived) is cls, f"JSON round-trip gave {type(revived)}"
    assert _canonical(revived.get_config()) == _canonical(config), (
        f"{cls.__name__}: JSON round-trip changed the config"
    )
    return revived


def _symbolic_inputs(input_data):
    def make(name, x):
        x = np.asarray(x)
        return keras.Input(shape=x.shape[1:], dtype=str(x.dtype), name=name)

    if isinstance(input_data, dict):
        return {k: make(k, v) for k, v in input_data.items()}
    if isinstance(input_data, (list, tuple)):
        return [make(f"input_{i}", v) for i, v in enumerate(input_data)]
    return make("input", input_data)


def _save_and_load(model, tmp_dir=None):
    with tempfile.TemporaryDirectory(dir=tmp_dir) as d:
        path = os.path.join(d, "model.keras")
        model.save(path)
        return keras.saving.load_model(path, safe_mode=True)


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_data,
    expected_output_shape=None,
    expected_output=None,
    call_kwargs=None,
    run_training=True,
    run_mixed_precision=True,
    run_saving=True,
    fit_target=None,
    fit_loss="mse",
    atol=1e-5,
    rtol=1e-5,
):
    """Runs the standard checks on a layer class.

    Args:
        layer_cls: the layer class under test.
        init_kwargs: dict. Constructor arguments.
        input_data: array, list of arrays or dict of arrays (batch first).
        expected_output_shape: optional shape (or structure of shapes).
        expected_output: optional values the output must equal.
        call_kwargs: dict. Extra arguments of `call`.
        run_training: bool. Whether to run one `fit` step.
        run_mixed_precision: bool. Whether to run under `mixed_bfloat16`.
        run_saving: bool. Whether to save and load a `.keras` model.
        fit_target: targets for the `fit` step. Defaults to zeros shaped
            like the output.
        fit_loss: the loss of the `fit` step. Defaults to `"mse"`.
        atol, rtol: tolerances for equal outputs.

    Returns:
        The layer instance that was tested.
    """
    call_kwargs = call_kwargs or {}
    layer = layer_cls(**init_kwargs)
    output = layer(input_data, **call_kwargs)

    if expected_output_shape is not None:
        got = keras.tree.map_structure(lambda t: tuple(t.shape), output)
        exp = (
            keras.tree.map_structure(
                lambda s: tuple(s), expected_output_shape, none_is_leaf=False
            )
            if not isinstance(expected_output_shape, tuple)
            else expected_output_shape
        )
        assert _canonical(got) == _canonical(exp), (
            f"output shape {got} != expected {exp}"
        )
    if expected_output is not None:
        _assert_allclose(output, expected_output, atol, rtol, "expected output")

    # Config and JSON round-trips, then equal outputs from copied weights.
    revived = check_config_round_trip(layer)
    revived(input_data, **call_kwargs)
    if len(revived.weights) != len(layer.weights):
        raise AssertionError(
            f"{layer_cls.__name__}: rebuilt layer has {len(revived.weights)} "
            f"weights, the original {len(layer.weights)}"
        )
    revived.set_weights(layer.get_weights())
    _assert_allclose(
        revived(input_data, **call_kwargs),
        layer(input_data, **call_kwargs),
        atol,
        rtol,
        "outputs after config round-trip",
    )

    # `.keras` save and safe-mode load inside a functional model.
    inputs = _symbolic_inputs(input_data)
    model = keras.Model(inputs, layer_cls(**init_kwargs)(inputs, **call_kwargs))
    if run_saving:
        expected = model.predict(input_data, verbose=0)
        loaded = _save_and_load(model)
        _assert_allclose(
            loaded.predict(input_data, verbose=0),
            expected,
            atol,
            rtol,
            "outputs after .keras save and load",
        )

    if run_training:
        preds = model.predict(input_data, verbose=0)
        if fit_target is None:
            fit_target = keras.tree.map_structure(np.zeros_like, preds)
        before = [_np(w).copy() for w in model.trainable_weights]
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=fit_loss)
        history = model.fit(
            input_data,
            fit_target,
            epochs=1,
            batch_size=len(_flatten(input_data)[0]),
            verbose=0,
        )
        loss = history.history["loss"][-1]
        assert np.isfinite(loss), f"fit step gave loss {loss}"
        if before:
            after = [_np(w) for w in model.trainable_weights]
            assert any(not np.array_equal(a, b) for a, b in zip(before, after)), (
                "one fit step left every trainable weight unchanged"
            )

    if run_mixed_precision:
        kwargs = dict(init_kwargs)
        kwargs["dtype"] = "mixed_bfloat16"
        mixed = layer_cls(**kwargs)
        out = mixed(input_data, **call_kwargs)
        for t in _flatten(out):
            if _is_float(t):
                assert keras.backend.standardize_dtype(t.dtype) == "bfloat16", (
                    f"mixed_bfloat16 output has dtype {t.dtype}"
                )
                assert np.all(np.isfinite(_np(keras.ops.cast(t, "float32")))), (
                    "mixed_bfloat16 output is not finite"
                )
        for w in mixed.weights:
            if w.trainable:
                assert keras.backend.standardize_dtype(w.dtype) == "float32", (
                    f"weight {w.path} is {w.dtype} under mixed_bfloat16"
                )
    return layer


def run_loss_test(
    loss_cls,
    init_kwargs,
    y_true,
    y_pred,
    expected=None,
    sample_weight=None,
    atol=1e-5,
    rtol=1e-5,
):
    """Runs the standard checks on a loss class.

    Checks the value (against `expected` when given), config and JSON
    round-trips, a `.keras` save and safe-mode load of a model compiled with
    the loss (the loaded model's loss gives the same value), and one `fit`
    step with finite loss.

    Returns:
        The loss instance that was tested.
    """
    loss = loss_cls(**init_kwargs)
    value = loss(y_true, y_pred, sample_weight=sample_weight)
    assert np.all(np.isfinite(_np(value))), f"loss is {value}"
    if expected is not None:
        np.testing.assert_allclose(_np(value), expected, atol=atol, rtol=rtol)
    revived = check_config_round_trip(loss)
    np.testing.assert_allclose(
        _np(revived(y_true, y_pred, sample_weight=sample_weight)),
        _np(value),
        atol=atol,
        rtol=rtol,
    )

    y_pred = np.asarray(y_pred, dtype="float32")
    inputs = keras.Input(shape=y_pred.shape[1:], name="scores")
    outputs = keras.layers.Dense(y_pred.shape[-1])(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=loss_cls(**init_kwargs))
    history = model.fit(y_pred, y_true, epochs=1, batch_size=len(y_pred), verbose=0)
    assert np.isfinite(history.history["loss"][-1])
    before = model.evaluate(y_pred, y_true, verbose=0, batch_size=len(y_pred))
    loaded = _save_and_load(model)
    assert isinstance(loaded.loss, loss_cls), f"loaded loss is {loaded.loss!r}"
    after = loaded.evaluate(y_pred, y_true, verbose=0, batch_size=len(y_pred))
    np.testing.assert_allclose(after, before, atol=atol, rtol=rtol)
    return loss


def run_metric_test(
    metric_cls,
    init_kwargs,
    y_true,
    y_pred,
    expected=None,
    sample_weight=None,
    atol=1e-5,
    rtol=1e-5,
):
    """Runs the standard checks on a metric class.

    Checks the value (against `expected` when given), `reset_state`, config
    and JSON round-trips, and a `.keras` save and safe-mode load of a model
    compiled with the metric whose `evaluate` gives the same value.

    Returns:
        The metric instance that was tested.
    """
    metric = metric_cls(**init_kwargs)
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    value = _np(metric.result())
    if expected is not None:
        np.testing.assert_allclose(value, expected, atol=atol, rtol=rtol)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(_np(metric.result()), value, atol=atol, rtol=rtol)
    revived = check_config_round_trip(metric)
    revived.update_state(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(_np(revived.result()), value, atol=atol, rtol=rtol)

    y_pred = np.asarray(y_pred, dtype="float32")
    inputs = keras.Input(shape=y_pred.shape[1:], name="scores")
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    # Keras passes sample weights to `weighted_metrics` only.
    key = "metrics" if sample_weight is None else "weighted_metrics"
    model.compile(loss="mse", **{key: [metric_cls(**init_kwargs)]})
    batch = len(y_pred)
    kw = dict(batch_size=batch, verbose=0, return_dict=True)
    if sample_weight is not None:
        kw["sample_weight"] = np.broadcast_to(
            np.asarray(sample_weight, dtype="float32"), (batch,)
        )
    before = model.evaluate(y_pred, y_true, **kw)
    loaded = _save_and_load(model)
    after = loaded.evaluate(y_pred, y_true, **kw)
    assert before.keys() == after.keys(), (before, after)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], atol=atol, rtol=rtol)
    name = metric_cls(**init_kwargs).name
    np.testing.assert_allclose(before[name], value, atol=atol, rtol=rtol)
    return metric


def run_serialization_test(obj_cls, init_kwargs):
    """Checks registration and config/JSON round-trips of any other object
    with `get_config`, such as a callback. Returns the rebuilt object."""
    obj = obj_cls(**init_kwargs)
    return check_config_round_trip(obj)


HARNESS_FUNCTIONS = (
    "run_layer_test",
    "run_loss_test",
    "run_metric_test",
    "run_serialization_test",
)
SERIALIZABLE_BASES = (
    keras.layers.Layer,
    keras.losses.Loss,
    keras.metrics.Metric,
    keras.callbacks.Callback,
)


def names_covered_by_harness(test_dir):
    """Returns the names of the objects passed first to a harness function
    anywhere in the Python files under `test_dir`."""
    import ast
    import pathlib

    covered = set()
    for path in pathlib.Path(test_dir).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            fname = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", None)
            )
            if fname not in HARNESS_FUNCTIONS:
                continue
            first = node.args[0]
            if isinstance(first, ast.Attribute):
                covered.add(first.attr)
            elif isinstance(first, ast.Name):
                covered.add(first.id)
    return covered


def inventory_problems(public_objects, covered_names):
    """Lists what is wrong with a public API.

    Args:
        public_objects: dict of public path -> object.
        covered_names: set of names that a harness test covers.

    Returns:
        A list of strings, one per problem: an object not registered as
        `keras_recsys>Name`, or a layer, loss, metric or callback that no
        harness test covers. Empty when all is well.
    """
    problems = []
    for path, obj in sorted(public_objects.items()):
        expected = f"{PACKAGE}>{obj.__name__}"
        if registered_name(obj) != expected:
            problems.append(f"{path}: not registered as {expected!r}")
        if (
            isinstance(obj, type)
            and issubclass(obj, SERIALIZABLE_BASES)
            and obj.__name__ not in covered_names
        ):
            problems.append(f"{path}: no serialization test (run_*_test) covers it")
    return problems


def public_api():
    """Returns {public path: object} for everything the package exports."""
    import importlib

    found = {}
    for sub in (
        "layers",
        "losses",
        "metrics",
        "models",
        "callbacks",
        "evaluation",
        "privacy",
    ):
        module = importlib.import_module(f"keras_recsys.{sub}")
        for name in module.__all__:
            found[f"keras_recsys.{sub}.{name}"] = getattr(module, name)
    return found
