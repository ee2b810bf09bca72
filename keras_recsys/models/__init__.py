"""keras_recsys.models: public models."""

from keras_recsys.models.build_autorec import build_autorec
from keras_recsys.models.build_cdae import build_cdae
from keras_recsys.models.build_mult_dae import build_mult_dae
from keras_recsys.models.build_mult_vae import build_mult_vae

__all__ = [
    "build_autorec",
    "build_cdae",
    "build_mult_dae",
    "build_mult_vae",
]
