import math

import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys.privacy import DPModel
from keras_recsys.utils.testing import run_serialization_test

N_IN, N_OUT = 6, 3


def _linear(seed=0):
    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((N_IN,)), keras.layers.Dense(N_OUT)])
    kernel = rng.normal(size=(N_IN, N_OUT)).astype("float32")
    bias = rng.normal(size=(N_OUT,)).astype("float32")
    model.set_weights([kernel, bias])
    return model


def _data(n=12, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, N_IN)).astype("float32")
    y = rng.normal(size=(n, N_OUT)).astype("float32") * 3
    return x, y


def _reference_grads(kernel, bias, x, y):
    """Per-example gradients of mean-squared error of a linear model, by hand."""
    kernel, bias = kernel.astype("float64"), bias.astype("float64")
    out = []
    for xi, yi in zip(x.astype("float64"), y.astype("float64")):
        r = xi @ kernel + bias - yi
        out.append((2.0 / N_OUT * np.outer(xi, r), 2.0 / N_OUT * r))
    return out


def _reference_clip(grads, clip):
    clipped = []
    for g_kernel, g_bias in grads:
        norm = math.sqrt((g_kernel**2).sum() + (g_bias**2).sum())
        factor = min(1.0, clip / norm)
        clipped.append((g_kernel * factor, g_bias * factor))
    return clipped


def _private(model, clip, sigma, lr=1.0, **kwargs):
    dp = DPModel(model, l2_norm_clip=clip, noise_multiplier=sigma, seed=3, **kwargs)
    dp.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    return dp


def test_per_example_gradients_match_reference_and_are_clipped():
    x, y = _data()
    model = _linear()
    kernel, bias = model.get_weights()
    dp = _private(model, clip=0.7, sigma=0.0)
    reference = _reference_grads(kernel, bias, x, y)
    raw = dp.per_example_gradients(x, y, clipped=False)
    np.testing.assert_allclose(raw[0], [g[0] for g in reference], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(raw[1], [g[1] for g in reference], rtol=1e-5, atol=1e-6)
    clipped = dp.per_example_gradients(x, y)
    norms = np.sqrt((clipped[0] ** 2).sum(axis=(1, 2)) + (clipped[1] ** 2).sum(axis=1))
    assert np.all(norms <= 0.7 * (1 + 1e-5))
    # The data are scaled so that every example needs clipping here.
    np.testing.assert_allclose(norms, 0.7, rtol=1e-5)
    expected = _reference_clip(reference, 0.7)
    np.testing.assert_allclose(
        clipped[0], [g[0] for g in expected], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("microbatch_size", [None, 5])
def test_update_is_reference_sum_of_clipped_gradients(microbatch_size):
    x, y = _data()
    # The last three rows are padding (weight 0): they must contribute nothing.
    weights = np.array([1.0] * 9 + [0.0] * 3, dtype="float32")
    x[9:] *= 100.0
    model = _linear()
    kernel, bias = model.get_weights()
    dp = _private(
        model,
        clip=0.5,
        sigma=0.0,
        expected_batch_size=8,
        microbatch_size=microbatch_size,
    )
    dp.fit(x, y, sample_weight=weights, batch_size=12, epochs=1, verbose=0)
    clipped = _reference_clip(_reference_grads(kernel, bias, x[:9], y[:9]), 0.5)
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(
        new_kernel, kernel - sum(g[0] for g in clipped) / 8, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        new_bias, bias - sum(g[1] for g in clipped) / 8, rtol=1e-5, atol=1e-6
    )


def test_noise_standard_deviation_is_sigma_times_clip():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 40)).astype("float32")
    y = rng.normal(size=(8, 50)).astype("float32")

    def step(sigma):
        model = keras.Sequential([keras.Input((40,)), keras.layers.Dense(50)])
        model.set_weights([np.zeros((40, 50), "float32"), np.zeros(50, "float32")])
        dp = _private(model, clip=0.3, sigma=sigma, expected_batch_size=4)
        dp.fit(x, y, batch_size=8, epochs=1, verbose=0)
        return np.concatenate([w.ravel() for w in model.get_weights()])

    # Same data, same clipping: the difference is the noise alone, / 4.
    noise = (step(0.0) - step(2.0)) * 4
    assert noise.size == 2050
    # The std estimate from 2050 draws is within 5% with overwhelming odds.
    np.testing.assert_allclose(noise.std(), 2.0 * 0.3, rtol=0.05)
    assert abs(noise.mean()) < 4 * 0.6 / math.sqrt(noise.size)


def test_infinite_clip_without_noise_equals_non_private_training():
    x, y = _data(n=20)
    reference = _linear()
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    ref_history = reference.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    model = _linear()
    dp = _private(model, clip=float("inf"), sigma=0.0, lr=0.05)
    history = dp.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        history.history["loss"], ref_history.history["loss"], rtol=1e-5
    )


def test_grouped_examples_clip_each_user_as_one():
    # Three users with 2 rows each (the last row of user 2 is padding).
    x, y = _data(n=6)
    weights = np.array([1, 1, 1, 1, 1, 0], dtype="float32")
    model = _linear()
    kernel, bias = model.get_weights()
    dp = _private(model, clip=0.4, sigma=0.0, grouped_examples=True)
    grads = dp.per_example_gradients(
        x.reshape(3, 2, N_IN), y.reshape(3, 2, N_OUT), weights.reshape(3, 2)
    )
    rows = _reference_grads(kernel, bias, x, y)
    # A user's loss is the weighted mean over their 2 slots (sum / 2).
    users = [
        tuple(
            sum(
                w * g[k]
                for w, g in zip(weights[2 * u : 2 * u + 2], rows[2 * u : 2 * u + 2])
            )
            / 2
            for k in (0, 1)
        )
        for u in range(3)
    ]
    expected = _reference_clip(users, 0.4)
    np.testing.assert_allclose(grads[0], [g[0] for g in expected], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[1], [g[1] for g in expected], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", [None, 1])
def test_dropout_masks_differ_between_examples(seed):
    # Seeded dropout takes another path on PyTorch (one example at a time).
    model = keras_recsys.models.build_mult_dae(
        12, hidden_units=(), latent_dim=4, dropout=0.5, seed=seed
    )
    dp = DPModel(model, l2_norm_clip=float("inf"), noise_multiplier=0.0)
    dp.compile(optimizer="sgd", loss=keras_recsys.losses.MultinomialLogLikelihood())
    rows = np.ones((4, 12), dtype="float32")
    grads = dp.per_example_gradients(rows, rows)
    # Identical examples: their gradients differ only through the masks.
    assert not np.allclose(grads[0][0], grads[0][1])


def test_private_fit_with_poisson_batches_logs_epsilon():
    x, y = _data(n=40)
    model = _linear()
    dp = DPModel(model, 1.0, 1.1, expected_batch_size=10, microbatch_size=4)
    dp.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    batches = keras_recsys.privacy.PoissonBatches(
        x, y, sampling_probability=0.25, pad_to_multiple_of=4
    )
    budget = keras_recsys.privacy.PrivacyBudget(1.1, 0.25, 1e-3)
    history = dp.fit(batches, epochs=2, callbacks=[budget], verbose=0)
    import dp_accounting

    for epoch, eps in enumerate(history.history["epsilon"]):
        accountant = dp_accounting.rdp.RdpAccountant()
        event = dp_accounting.PoissonSampledDpEvent(
            0.25, dp_accounting.GaussianDpEvent(1.1)
        )
        accountant.compose(event, 4 * (epoch + 1))
        assert eps == pytest.approx(accountant.get_epsilon(1e-3), rel=1e-9)
    assert np.isfinite(history.history["loss"]).all()


def test_serialization_and_saving(tmp_path):
    run_serialization_test(
        DPModel,
        {
            "model": _linear(),
            "l2_norm_clip": 1.5,
            "noise_multiplier": 0.8,
            "expected_batch_size": 32,
            "microbatch_size": 8,
            "seed": 4,
        },
    )
    x, _ = _data()
    dp = _private(_linear(), clip=1.0, sigma=1.0)
    dp(x[:2])
    path = tmp_path / "dp.keras"
    dp.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, DPModel)
    assert loaded.noise_multiplier == 1.0
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), dp.predict(x, verbose=0), rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"l2_norm_clip": 0.0, "noise_multiplier": 1.0}, "l2_norm_clip"),
        ({"l2_norm_clip": 1.0, "noise_multiplier": -1.0}, "noise_multiplier"),
        ({"l2_norm_clip": float("inf"), "noise_multiplier": 1.0}, "noise_multiplier"),
        (
            {"l2_norm_clip": 1.0, "noise_multiplier": 1.0, "microbatch_size": 0},
            "microbatch_size",
        ),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(ValueError, match=error):
        DPModel(_linear(), **kwargs)
    with pytest.raises(TypeError, match="model"):
        DPModel("not a model", 1.0, 1.0)


def test_grouped_fit_without_clipping_equals_plain_training():
    # 5 users x 2 rows, no padding: the mean over users of each user's mean
    # row loss is the mean over all rows, so one grouped step is a plain step.
    x, y = _data(n=10)
    reference = _linear()
    reference.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    reference.fit(x, y, batch_size=10, epochs=1, verbose=0)
    model = _linear()
    dp = _private(model, clip=float("inf"), sigma=0.0, lr=0.1, grouped_examples=True)
    weights = np.ones((5, 2), dtype="float32")
    dp.fit(
        x.reshape(5, 2, N_IN),
        y.reshape(5, 2, N_OUT),
        sample_weight=weights,
        batch_size=5,
        epochs=1,
        verbose=0,
    )
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
