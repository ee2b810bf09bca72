from keras_recsys.privacy import _accounting
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int


def steps_for(epochs, batch_size, dataset_size):
    """Sampling probability and steps of `epochs` Poisson passes."""
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    dataset_size = check_positive_int("dataset_size", dataset_size)
    if batch_size > dataset_size:
        raise ValueError(
            "`batch_size` must be <= `dataset_size`. Received: "
            f"batch_size={batch_size}, dataset_size={dataset_size}"
        )
    q = batch_size / dataset_size
    return q, epochs * max(1, round(1.0 / q))


@keras_recsys_export("keras_recsys.privacy.find_noise_multiplier")
def find_noise_multiplier(
    target_epsilon, delta, epochs, batch_size, dataset_size, accountant="rdp"
):
    """The smallest noise multiplier that keeps DP-SGD within a budget.

    The run is `epochs` epochs of Poisson sampling with
    `sampling_probability = batch_size / dataset_size` (the expected batch
    size is `batch_size`) and `round(dataset_size / batch_size)` steps per
    epoch, the defaults of `keras_recsys.privacy.PoissonBatches`. The
    returned sigma gives an epsilon at most `target_epsilon` at `delta`
    (found by bisection with `dp_accounting.calibrate_dp_mechanism`).

    Args:
        target_epsilon: float > 0.
        delta: float in (0, 1). Usually below `1 / dataset_size`.
        epochs: int. Passes over the data.
        batch_size: int. The expected batch size.
        dataset_size: int. The number of examples (users).
        accountant: `"rdp"` or `"pld"`. Defaults to `"rdp"`.

    Returns:
        float. The noise multiplier sigma.

    Example:

    ```python
    import keras_recsys

    sigma = keras_recsys.privacy.find_noise_multiplier(
        target_epsilon=8.0, delta=1e-4, epochs=5, batch_size=500, dataset_size=5000
    )
    steps = 5 * 10
    eps = keras_recsys.privacy.compute_epsilon(sigma, 0.1, steps, 1e-4)
    # eps <= 8.0, and just below it
    ```

    References:
        - [Google's dp-accounting
          library](https://github.com/google/differential-privacy/tree/main/python)
    """
    target_epsilon = check_float(
        "target_epsilon", target_epsilon, 0.0, exclusive_min=True
    )
    delta = _accounting.check_delta(delta)
    q, steps = steps_for(epochs, batch_size, dataset_size)
    dp = _accounting.import_dp_accounting()
    sigma = dp.calibrate_dp_mechanism(
        lambda: _accounting.make_accountant(accountant),
        lambda s: _accounting.dp_sgd_event(s, q, steps),
        target_epsilon,
        delta,
        # PLD discretizes the privacy loss; a tiny sigma would need an
        # enormous grid, so its search starts higher.
        bracket_interval=dp.LowerEndpointAndGuess(
            0.3 if accountant == "pld" else 1e-3, 1.0
        ),
        tol=1e-4,
    )
    return float(sigma)
