"""keras_recsys.privacy: differentially private training (DP-SGD).

`DPModel` trains any Keras model with per-example clipping and Gaussian
noise; `PoissonBatches` and `UserGroupedBatches` sample the batches the
accounting assumes; `compute_epsilon`, `find_noise_multiplier` and the
`PrivacyBudget` callback account with Google's `dp-accounting`.
"""

from keras_recsys.privacy.compute_epsilon import compute_epsilon
from keras_recsys.privacy.dp_model import DPModel
from keras_recsys.privacy.find_noise_multiplier import find_noise_multiplier
from keras_recsys.privacy.poisson_batches import PoissonBatches
from keras_recsys.privacy.privacy_budget import PrivacyBudget
from keras_recsys.privacy.user_grouped_batches import UserGroupedBatches

__all__ = [
    "DPModel",
    "PoissonBatches",
    "PrivacyBudget",
    "UserGroupedBatches",
    "compute_epsilon",
    "find_noise_multiplier",
]
