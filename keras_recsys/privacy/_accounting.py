"""The one place that calls Google's `dp-accounting` library."""

from keras_recsys.utils import validation
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of

ACCOUNTANTS = ("rdp", "pld")


def import_dp_accounting():
    try:
        import dp_accounting
    except ImportError:
        raise ImportError(
            "Privacy accounting needs the `dp-accounting` package: "
            "pip install 'keras-recsys[privacy]' (or dp-accounting==0.6.0)."
        ) from None
    return dp_accounting


def check_delta(delta):
    return check_float("delta", delta, 0.0, 1.0, exclusive_min=True, exclusive_max=True)


def check_probability(sampling_probability):
    return validation.check_probability(
        "sampling_probability", sampling_probability, exclusive_min=True
    )


def make_accountant(accountant):
    check_one_of("accountant", accountant, ACCOUNTANTS)
    dp = import_dp_accounting()
    if accountant == "rdp":
        return dp.rdp.RdpAccountant()
    return dp.pld.PLDAccountant()


def dp_sgd_event(noise_multiplier, sampling_probability, steps):
    """The DpEvent of `steps` Poisson-sampled Gaussian steps."""
    dp = import_dp_accounting()
    return dp.SelfComposedDpEvent(
        dp.PoissonSampledDpEvent(
            sampling_probability, dp.GaussianDpEvent(noise_multiplier)
        ),
        steps,
    )


def epsilon(noise_multiplier, sampling_probability, steps, delta, accountant="rdp"):
    noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0.0)
    q = check_probability(sampling_probability)
    steps = check_int("steps", steps, min_value=0)
    delta = check_delta(delta)
    if steps == 0:
        return 0.0
    if noise_multiplier == 0.0:
        return float("inf")
    acc = make_accountant(accountant)
    acc.compose(dp_sgd_event(noise_multiplier, q, steps))
    return float(acc.get_epsilon(delta))
