"""Contract-wide tests of the ranking core (keras_recsys/ranking/contract.py).

Every metric and per-row function is checked against the plain-loop numpy
reference of `ranking_reference.py`: fuzzed with hypothesis, streamed over
batches, inside compiled `evaluate`/`fit` steps and under
`tf.distribute.MirroredStrategy`.
"""

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import keras_recsys
from keras_recsys import metrics

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))
import ranking_reference as ref  # noqa: E402

# (reference name, class, function, extra kwargs)
METRICS = [
    ("precision", metrics.PrecisionAtK, metrics.precision_at_k, {}),
    ("recall", metrics.RecallAtK, metrics.recall_at_k, {}),
    ("recall", metrics.RecallAtK, metrics.recall_at_k, {"cap_at_k": True}),
    ("f1", metrics.F1AtK, metrics.f1_at_k, {}),
    ("ndcg", metrics.NDCGAtK, metrics.ndcg_at_k, {}),
    ("ndcg", metrics.NDCGAtK, metrics.ndcg_at_k, {"gain": "linear"}),
    ("map", metrics.MAPAtK, metrics.map_at_k, {}),
    ("hit_rate", metrics.HitRateAtK, metrics.hit_rate_at_k, {}),
    ("mrr", metrics.MRRAtK, metrics.mrr_at_k, {}),
]
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(
    # A few shapes and cut-offs only: JAX compiles each op once per shape.
    shape_k=st.sampled_from([((1, 1), 1), ((3, 5), 2), ((4, 7), 3), ((4, 7), 7)]),
    graded=st.booleans(),
    data=st.data(),
)
def test_fuzz_against_reference(shape_k, graded, data):
    shape, k = shape_k
    labels = [-1.0, 0.0, 1.0, 2.0, 3.0] if graded else [-1.0, 0.0, 1.0]
    y_true = data.draw(hnp.arrays("float32", shape, elements=st.sampled_from(labels)))
    # Few distinct scores: many ties.
    y_pred = data.draw(
        hnp.arrays("float32", shape, elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0]))
    )
    weights = data.draw(
        hnp.arrays("float32", shape[:1], elements=st.sampled_from([0.0, 0.5, 1.0, 3.0]))
    )
    for name, _, fn, kwargs in METRICS:
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(fn(y_true, y_pred, k, **kwargs)),
            ref.rows(name, y_true, y_pred, k, **kwargs),
            rtol=1e-5,
            atol=1e-6,
            err_msg=name,
        )
    # The weighting (rows without a relevant item skipped) is shared by all
    # classes; streaming tests below cover each class.
    metric = metrics.NDCGAtK(k)
    metric.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(
        float(metric.result()),
        ref.mean("ndcg", y_true, y_pred, k, weights),
        rtol=1e-5,
        atol=1e-6,
    )


def _heavy_ties(seed=0, batch=24, n=40):
    rng = np.random.default_rng(seed)
    y_true = rng.choice([-1.0, 0.0, 0.0, 0.0, 1.0, 2.0], size=(batch, n))
    y_true[1] = np.minimum(y_true[1], 0.0)
    y_pred = rng.integers(0, 3, size=(batch, n)).astype("float32")
    return y_true.astype("float32"), y_pred


@pytest.mark.parametrize("name,cls,fn,kwargs", METRICS)
def test_streaming_equals_one_shot_and_reset(name, cls, fn, kwargs):
    y_true, y_pred = _heavy_ties()
    weights = np.linspace(0.1, 2.0, len(y_true)).astype("float32")
    metric = cls(10, **kwargs)
    for part in np.array_split(np.arange(len(y_true)), [5, 6, 17]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    expected = ref.mean(name, y_true, y_pred, 10, weights, **kwargs)
    np.testing.assert_allclose(float(metric.result()), expected, rtol=1e-5)
    metric.reset_state()
    assert float(metric.result()) == 0.0
    metric.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(float(metric.result()), expected, rtol=1e-5)


def test_compiled_evaluate_and_fit_match_reference():
    # Three metrics cover every code path (top-k with ties, both selections,
    # the ordering of tied runs); XLA compiles slowly, so not all seven.
    chosen = [METRICS[2], METRICS[4], METRICS[6]]
    y_true, y_pred = _heavy_ties(seed=3)
    weights = np.linspace(0.5, 1.5, len(y_true)).astype("float32")
    inputs = keras.Input(shape=(y_pred.shape[1],))
    dense = keras.layers.Dense(y_pred.shape[1], kernel_initializer="identity")
    model = keras.Model(inputs, dense(inputs))
    # Torch's `jit_compile=True` means torch.compile, slow to start: "auto".
    jit = "auto" if keras.backend.backend() == "torch" else True
    model.compile(
        optimizer=keras.optimizers.SGD(0.0),
        loss="mse",
        weighted_metrics=[
            cls(10, name=f"m{i}", **kw) for i, (_, cls, _, kw) in enumerate(chosen)
        ],
        jit_compile=jit,
    )
    logs = model.evaluate(
        y_pred,
        y_true,
        sample_weight=weights,
        batch_size=7,
        verbose=0,
        return_dict=True,
    )
    for i, (name, _, _, kwargs) in enumerate(chosen):
        np.testing.assert_allclose(
            logs[f"m{i}"],
            ref.mean(name, y_true, y_pred, 10, weights, **kwargs),
            rtol=1e-5,
            err_msg=name,
        )
    history = model.fit(
        y_pred, y_true, sample_weight=weights, batch_size=7, epochs=1, verbose=0
    )
    np.testing.assert_allclose(
        history.history["m1"][-1],
        ref.mean("ndcg", y_true, y_pred, 10, weights),
        rtol=1e-5,
    )


def test_excluded_items_never_take_a_place():
    # Row 0: excluded items outscore everything; row 1: fewer than k kept.
    y_true = np.array([[-1, -1, 1, 0, 1], [-1, -1, -1, 0, 1]], "float32")
    y_pred = np.array([[9, 8, 1, 2, 0], [9, 9, 9, 1, 0]], "float32")
    np.testing.assert_allclose(
        np.asarray(keras_recsys.metrics.precision_at_k(y_true, y_pred, 3)),
        [2 / 3, 1 / 3],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        np.asarray(keras_recsys.metrics.mrr_at_k(y_true, y_pred, 3)), [0.5, 0.5]
    )


def test_ties_break_by_index_at_scale():
    # Integer scores in 0..2 over many items: the boundary of the top k is a
    # tie in almost every row.
    rng = np.random.default_rng(7)
    y_true = (rng.random((16, 300)) < 0.05).astype("float32")
    y_pred = rng.integers(0, 3, size=(16, 300)).astype("float32")
    for name, _, fn, kwargs in METRICS:
        np.testing.assert_allclose(
            np.asarray(fn(y_true, y_pred, 50, **kwargs)),
            ref.rows(name, y_true, y_pred, 50, **kwargs),
            rtol=1e-5,
            atol=1e-6,
            err_msg=name,
        )


def _tie_scenarios():
    """Rows that each take a different path through the selection."""
    n, k = 12, 4
    base = np.arange(n, 0, -1).astype("float32")  # distinct, item 0 highest
    rows = []
    rows.append(base)  # no tie at all
    inside = base.copy()
    inside[[0, 1, 2]] = 20.0  # a tie inside the top k only
    rows.append(inside)
    boundary = base.copy()
    boundary[[3, 9]] = 100.0  # ties at the top...
    boundary[[1, 5, 6]] = base[0]  # ...and across the k-th place (0, 1, 5, 6)
    rows.append(boundary)
    infinite = base.copy()
    infinite[[2, 8]] = -np.inf  # valid items scoring -inf
    rows.append(infinite)
    y_pred = np.stack(rows + [base, base])
    y_true = np.zeros_like(y_pred)
    y_true[:, [0, 3, 6, 8, 11]] = 1.0
    y_true[4, 1:4] = -1.0  # excluded items among the best scores
    y_true[5, 2:] = -1.0  # fewer rankable items (2) than k
    return y_true, y_pred, k


@pytest.mark.parametrize("name,cls,fn,kwargs", METRICS)
def test_each_selection_path_matches_reference(name, cls, fn, kwargs):
    y_true, y_pred, k = _tie_scenarios()
    np.testing.assert_allclose(
        np.asarray(fn(y_true, y_pred, k, **kwargs)),
        ref.rows(name, y_true, y_pred, k, **kwargs),
        rtol=1e-5,
        atol=1e-6,
    )
    # One row at a time: each batch takes one path only.
    for row in range(len(y_true)):
        np.testing.assert_allclose(
            np.asarray(fn(y_true[row : row + 1], y_pred[row : row + 1], k, **kwargs)),
            ref.rows(name, y_true[row : row + 1], y_pred[row : row + 1], k, **kwargs),
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"row {row}",
        )


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="only TensorFlow graphs have a number of items unknown until run time",
)
def test_unknown_number_of_items_in_a_graph():
    import tensorflow as tf

    y_true, y_pred, k = _tie_scenarios()
    heavy_true, heavy_pred = _heavy_ties()
    spec = tf.TensorSpec((None, None), tf.float32)
    for name, _, fn, kwargs in METRICS:
        graph_fn = tf.function(
            lambda t, p, fn=fn, kwargs=kwargs: fn(t, p, k, **kwargs),
            input_signature=[spec, spec],
        )
        for t, p in ((y_true, y_pred), (heavy_true, heavy_pred)):
            np.testing.assert_allclose(
                graph_fn(t, p).numpy(),
                ref.rows(name, t, p, k, **kwargs),
                rtol=1e-5,
                atol=1e-6,
                err_msg=name,
            )


@pytest.mark.parametrize("name", ["y_true", "y_pred"])
def test_nan_raises_in_eager_calls(name):
    inputs = {
        "y_true": np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        "y_pred": np.array([[0.5, 0.0, 1.0], [1.0, 0.0, 0.5], [0.1, 0.2, 0.3]]),
    }
    inputs[name][1, 2] = np.nan
    inputs[name][2, 0] = np.nan
    with pytest.raises(ValueError, match=rf"`{name}`.*NaN in 2 of 3 rows.*row 1"):
        keras_recsys.metrics.ndcg_at_k(inputs["y_true"], inputs["y_pred"], 2)
    metric = keras_recsys.metrics.MRRAtK(2)
    with pytest.raises(ValueError, match=rf"`{name}`.*NaN"):
        metric.update_state(inputs["y_true"], inputs["y_pred"])


def test_infinite_scores_are_not_nan():
    # A row with both +inf and -inf sums to NaN; it must still be ranked.
    y_true = np.array([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]], "float32")
    y_pred = np.array([[np.inf, -np.inf, 0.5, 1.0], [0.0, 1.0, 2.0, 3.0]], "float32")
    for name, _, fn, kwargs in METRICS:
        np.testing.assert_allclose(
            np.asarray(fn(y_true, y_pred, 2, **kwargs)),
            ref.rows(name, y_true, y_pred, 2, **kwargs),
            rtol=1e-5,
            err_msg=name,
        )


def test_nan_inside_a_compiled_step_gives_nan_not_a_silent_value():
    """Compiled evaluate (TensorFlow, JAX) cannot read values: NaN comes out.
    PyTorch's evaluate runs eagerly, so it raises."""
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Identity()(x))
    model.compile(loss="mse", metrics=[keras_recsys.metrics.NDCGAtK(2)])
    y_true = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], dtype="float32")
    y_pred = np.array([[np.nan, 0.0, 1.0], [1.0, 0.0, 0.5]], dtype="float32")
    if keras.backend.backend() == "torch":
        with pytest.raises(ValueError, match="`y_pred`.*NaN in 1 of 2 rows"):
            model.evaluate(y_pred, y_true, verbose=0, return_dict=True)
        return
    result = model.evaluate(y_pred, y_true, verbose=0, return_dict=True)
    (value,) = [v for key, v in result.items() if key.startswith("ndcg")]
    assert np.isnan(value)


def test_half_precision_scores():
    y_true, y_pred = _heavy_ties(seed=5)
    for dtype in ("float16", "bfloat16"):
        x = keras.ops.cast(y_pred, dtype)  # integer scores: exact in both
        np.testing.assert_allclose(
            np.asarray(keras_recsys.metrics.map_at_k(y_true, x, 10)),
            ref.rows("map", y_true, y_pred, 10),
            rtol=1e-5,
        )


def test_bad_shapes_and_weights():
    with pytest.raises(ValueError, match="y_pred.shape=\\(4,\\)"):
        keras_recsys.metrics.precision_at_k(np.zeros(4), np.zeros(4), 1)
    with pytest.raises(ValueError, match="sample_weight"):
        keras_recsys.metrics.PrecisionAtK(1).update_state(
            np.ones((2, 3)), np.ones((2, 3)), sample_weight=np.ones((2, 3))
        )


_DISTRIBUTED = textwrap.dedent(
    """
    import json, os, sys
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    import keras
    import numpy as np
    import keras_recsys
    rng = np.random.default_rng(0)
    y_true = rng.choice([-1.0, 0.0, 0.0, 1.0, 2.0], size=(32, 20)).astype("float32")
    y_pred = rng.integers(0, 3, size=(32, 20)).astype("float32")
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        inputs = keras.Input(shape=(20,))
        model = keras.Model(inputs, keras.layers.Identity()(inputs))
        m = keras_recsys.metrics
        model.compile(loss="mse", metrics=[
            m.PrecisionAtK(5), m.NDCGAtK(5), m.MAPAtK(5), m.MRRAtK(5)],
            jit_compile=False)
    logs = model.evaluate(y_pred, y_true, batch_size=8, verbose=0,
                          return_dict=True)
    logs["replicas"] = strategy.num_replicas_in_sync
    print("RESULT" + json.dumps(logs))
    """
)


def test_mirrored_strategy_on_two_cpus(backend):
    if backend != "tensorflow":
        pytest.skip("tf.distribute is TensorFlow only")
    env = dict(os.environ, KERAS_BACKEND="tensorflow")
    out = subprocess.run(
        [sys.executable, "-c", _DISTRIBUTED],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT")]
    assert line, out.stderr[-3000:]
    logs = json.loads(line[0][len("RESULT") :])
    assert logs["replicas"] == 2
    rng = np.random.default_rng(0)
    y_true = rng.choice([-1.0, 0.0, 0.0, 1.0, 2.0], size=(32, 20)).astype("float32")
    y_pred = rng.integers(0, 3, size=(32, 20)).astype("float32")
    for name in ("precision", "ndcg", "map", "mrr"):
        np.testing.assert_allclose(
            logs[f"{name}@5"], ref.mean(name, y_true, y_pred, 5), rtol=1e-5
        )
