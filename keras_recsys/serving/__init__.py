"""keras_recsys.serving: from a trained model to served recommendations."""

from keras_recsys.serving.ann_index import AnnIndex
from keras_recsys.serving.id_lookup import IdLookup
from keras_recsys.serving.recommender import Recommender

__all__ = [
    "AnnIndex",
    "IdLookup",
    "Recommender",
]
