"""keras_recsys.layers: public layers."""

from keras_recsys.layers.id_embedding import IdEmbedding

__all__ = [
    "IdEmbedding",
]
