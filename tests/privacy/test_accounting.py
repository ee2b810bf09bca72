import dp_accounting
import numpy as np
import pytest

import keras_recsys
from keras_recsys.privacy import PrivacyBudget
from keras_recsys.utils.testing import run_serialization_test


def _direct(sigma, q, steps, delta, accountant):
    acc = (
        dp_accounting.rdp.RdpAccountant()
        if accountant == "rdp"
        else dp_accounting.pld.PLDAccountant()
    )
    event = dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma))
    acc.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return acc.get_epsilon(delta)


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "sigma, q, steps, delta, accountant",
    [
        (1.1, 0.01, 1000, 1e-5, "rdp"),
        (0.7, 0.2, 50, 1 / 4834, "rdp"),
        (1.1, 0.01, 1000, 1e-5, "pld"),
    ],
)
def test_compute_epsilon_equals_dp_accounting(sigma, q, steps, delta, accountant):
    eps = keras_recsys.privacy.compute_epsilon(sigma, q, steps, delta, accountant)
    assert eps == pytest.approx(_direct(sigma, q, steps, delta, accountant), rel=1e-9)


@pytest.mark.backend_independent
def test_compute_epsilon_edge_cases():
    assert keras_recsys.privacy.compute_epsilon(1.0, 0.1, 0, 1e-5) == 0.0
    assert keras_recsys.privacy.compute_epsilon(0.0, 0.1, 10, 1e-5) == float("inf")
    with pytest.raises(ValueError, match="delta"):
        keras_recsys.privacy.compute_epsilon(1.0, 0.1, 10, 0.0)
    with pytest.raises(ValueError, match="sampling_probability"):
        keras_recsys.privacy.compute_epsilon(1.0, 0.0, 10, 1e-5)
    with pytest.raises(ValueError, match="accountant"):
        keras_recsys.privacy.compute_epsilon(1.0, 0.1, 10, 1e-5, accountant="x")


@pytest.mark.backend_independent
@pytest.mark.parametrize("target", [1.0, 8.0])
def test_find_noise_multiplier_meets_the_target_tightly(target):
    sigma = keras_recsys.privacy.find_noise_multiplier(
        target, delta=1e-4, epochs=5, batch_size=1000, dataset_size=5000
    )
    # q = 0.2 and 5 steps per epoch.
    assert _direct(sigma, 0.2, 25, 1e-4, "rdp") <= target
    assert _direct(sigma * 0.99, 0.2, 25, 1e-4, "rdp") > target
    with pytest.raises(ValueError, match="batch_size"):
        keras_recsys.privacy.find_noise_multiplier(target, 1e-4, 5, 6000, 5000)


@pytest.mark.backend_independent
def test_privacy_budget_logs_epsilon_of_the_steps_taken():
    budget = PrivacyBudget(noise_multiplier=0.9, sampling_probability=0.05, delta=1e-5)
    logs = {}
    for epoch in range(2):
        for batch in range(20):
            budget.on_train_batch_end(batch)
        budget.on_epoch_end(epoch, logs)
        assert logs["epsilon"] == pytest.approx(
            _direct(0.9, 0.05, 20 * (epoch + 1), 1e-5, "rdp"), rel=1e-9
        )
    assert budget.steps == 40
    assert np.isfinite(budget.epsilon)


def test_privacy_budget_serialization():
    run_serialization_test(
        PrivacyBudget,
        {"noise_multiplier": 1.2, "sampling_probability": 0.1, "delta": 1e-5},
    )
