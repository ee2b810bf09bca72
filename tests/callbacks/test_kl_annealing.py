import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys.callbacks import KLAnnealing
from keras_recsys.utils.testing import run_serialization_test


def _model():
    model = keras_recsys.models.build_mult_vae(
        20, hidden_units=(8,), latent_dim=4, seed=0
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    )
    return model


def _rows(n=40):
    return (np.random.default_rng(0).random((n, 20)) < 0.3).astype("float32")


def _beta(model):
    return float(keras.ops.convert_to_numpy(model.get_layer("vae").beta))


class _Spy(keras.callbacks.Callback):
    """Reads beta and the last KL after each batch (placed after KLAnnealing)."""

    def __init__(self):
        super().__init__()
        self.betas, self.kls = [], []

    def on_train_batch_end(self, batch, logs=None):
        block = self.model.get_layer("vae")
        self.betas.append(float(keras.ops.convert_to_numpy(block.beta)))
        self.kls.append(float(keras.ops.convert_to_numpy(block.last_kl)))


def test_serialization():
    revived = run_serialization_test(KLAnnealing, {"anneal_steps": 10, "beta_cap": 0.3})
    assert revived.anneal_steps == 10 and revived.beta_cap == 0.3


def test_beta_follows_the_linear_schedule(tmp_path):
    # 40 rows, batches of 10: 4 updates per epoch; cap 0.3 reached at update 10.
    model = _model()
    annealing = KLAnnealing(anneal_steps=10, beta_cap=0.3)
    spy = _Spy()
    history = model.fit(
        _rows(),
        _rows(),
        batch_size=10,
        epochs=3,
        shuffle=False,
        callbacks=[annealing, spy],
        verbose=0,
    )
    expected_used = [min(0.3, 0.3 * step / 10) for step in range(12)]
    np.testing.assert_allclose(spy.betas, expected_used, atol=1e-7)
    np.testing.assert_allclose(history.history["beta"], [0.12, 0.24, 0.3], atol=1e-7)
    assert annealing.updates == 12
    assert _beta(model) == pytest.approx(0.3)
    # The KL is in the logs: the mean over each epoch of the batches' KL.
    kl = history.history["kl"]
    np.testing.assert_allclose(kl, np.reshape(spy.kls, (3, 4)).mean(axis=1), rtol=1e-5)
    assert all(np.isfinite(kl)) and all(k > 0 for k in kl)

    # The count goes on in a second `fit`, and the value is saved.
    annealing = KLAnnealing(anneal_steps=16, beta_cap=0.2)
    model.fit(_rows(), _rows(), batch_size=10, callbacks=[annealing], verbose=0)
    assert annealing.updates == 4 and _beta(model) == pytest.approx(0.05)
    model.fit(_rows(), _rows(), batch_size=10, callbacks=[annealing], verbose=0)
    assert annealing.updates == 8 and _beta(model) == pytest.approx(0.1)
    path = str(tmp_path / "vae.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert _beta(loaded) == pytest.approx(0.1)
    np.testing.assert_allclose(
        loaded.predict(_rows(), verbose=0), model.predict(_rows(), verbose=0)
    )


def test_model_without_vae_block_raises():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    model.compile(loss="mse")
    with pytest.raises(ValueError, match="VAEBlock"):
        model.fit(
            np.zeros((4, 4)),
            np.zeros((4, 2)),
            callbacks=[KLAnnealing(anneal_steps=5)],
            verbose=0,
        )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"anneal_steps": 0}, ValueError, "anneal_steps"),
        ({"anneal_steps": 2.5}, TypeError, "anneal_steps"),
        ({"anneal_steps": 5, "beta_cap": -1.0}, ValueError, "beta_cap"),
        ({"anneal_steps": 5, "beta_cap": "high"}, TypeError, "beta_cap"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        KLAnnealing(**kwargs)
