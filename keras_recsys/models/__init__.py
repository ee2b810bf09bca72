"""keras_recsys.models: public models."""

from keras_recsys.models.add_catalog_scores import add_catalog_scores
from keras_recsys.models.build_autorec import build_autorec
from keras_recsys.models.build_bert4rec import build_bert4rec
from keras_recsys.models.build_caser import build_caser
from keras_recsys.models.build_cdae import build_cdae
from keras_recsys.models.build_deepfm import build_deepfm
from keras_recsys.models.build_ease import build_ease
from keras_recsys.models.build_gru4rec import build_gru4rec
from keras_recsys.models.build_mult_dae import build_mult_dae
from keras_recsys.models.build_mult_vae import build_mult_vae
from keras_recsys.models.build_ncf import build_ncf
from keras_recsys.models.build_ncf import neumf_from_pretrained
from keras_recsys.models.build_rating_model import build_rating_model
from keras_recsys.models.build_sasrec import build_sasrec
from keras_recsys.models.build_two_tower import build_two_tower
from keras_recsys.models.built_model import BuiltModel
from keras_recsys.models.sequential_recommender import SequentialRecommender

__all__ = [
    "BuiltModel",
    "add_catalog_scores",
    "build_autorec",
    "build_cdae",
    "build_mult_dae",
    "build_mult_vae",
    "build_ncf",
    "neumf_from_pretrained",
    "build_two_tower",
    "build_deepfm",
    "build_rating_model",
    "build_caser",
    "build_gru4rec",
    "build_sasrec",
    "build_ease",
    "build_bert4rec",
    "SequentialRecommender",
]
