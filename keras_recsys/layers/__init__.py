"""keras_recsys.layers: public layers."""

from keras_recsys.layers.autoencoder_block import AutoencoderBlock
from keras_recsys.layers.cdae_block import CDAEBlock
from keras_recsys.layers.cross_network import CrossNetwork
from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.factorization_machine import FactorizationMachine
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.layers.in_batch_similarity import InBatchSimilarity
from keras_recsys.layers.reparameterization import Reparameterization
from keras_recsys.layers.top_k_retrieval import TopKRetrieval
from keras_recsys.layers.vae_block import VAEBlock

__all__ = [
    "IdEmbedding",
    "AutoencoderBlock",
    "CDAEBlock",
    "Reparameterization",
    "VAEBlock",
    "CrossNetwork",
    "EmbeddingTower",
    "FactorizationMachine",
    "InBatchSimilarity",
    "TopKRetrieval",
]
