from keras_recsys.privacy import _accounting
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.privacy.compute_epsilon")
def compute_epsilon(
    noise_multiplier, sampling_probability, steps, delta, accountant="rdp"
):
    """Epsilon spent by DP-SGD at a given delta, from Google's `dp-accounting`.

    The mechanism is `steps` compositions of a Poisson-sampled Gaussian: each
    step draws every example (or user) with probability
    `sampling_probability` and adds noise of standard deviation
    `noise_multiplier` times the clipping norm, as
    `keras_recsys.privacy.DPModel` with `keras_recsys.privacy.PoissonBatches`
    does.

    Args:
        noise_multiplier: float >= 0. sigma (`0` gives infinity).
        sampling_probability: float in (0, 1]. q.
        steps: int >= 0. Training steps taken.
        delta: float in (0, 1).
        accountant: `"rdp"` (Renyi DP, Mironov 2017) or `"pld"` (privacy
            loss distributions, tighter and slower). Defaults to `"rdp"`.

    Returns:
        float. The epsilon of the run (`0.0` for no step, `inf` without
        noise).

    Example:

    ```python
    import keras_recsys

    eps = keras_recsys.privacy.compute_epsilon(
        noise_multiplier=1.0, sampling_probability=0.01, steps=1000, delta=1e-5
    )
    # about 2.1
    ```

    References:
        - [Mironov, 2017. Renyi Differential
          Privacy](https://arxiv.org/abs/1702.07476)
        - [Google's dp-accounting
          library](https://github.com/google/differential-privacy/tree/main/python)
    """
    return _accounting.epsilon(
        noise_multiplier, sampling_probability, steps, delta, accountant
    )
