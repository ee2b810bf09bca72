"""keras_recsys.layers: public layers."""

from keras_recsys.layers.append_mask_token import AppendMaskToken
from keras_recsys.layers.autoencoder_block import AutoencoderBlock
from keras_recsys.layers.bidirectional_sequence_encoder import (
    BidirectionalSequenceEncoder,
)
from keras_recsys.layers.catalog_candidates import CatalogCandidates
from keras_recsys.layers.cdae_block import CDAEBlock
from keras_recsys.layers.cnn_sequence_encoder import CNNSequenceEncoder
from keras_recsys.layers.cross_network import CrossNetwork
from keras_recsys.layers.embedding_tower import EmbeddingTower
from keras_recsys.layers.factorization_machine import FactorizationMachine
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.layers.in_batch_similarity import InBatchSimilarity
from keras_recsys.layers.item_item_linear import ItemItemLinear
from keras_recsys.layers.last_real_position import LastRealPosition
from keras_recsys.layers.masked_item_embedding import MaskedItemEmbedding
from keras_recsys.layers.masked_item_positions import MaskedItemPositions
from keras_recsys.layers.reparameterization import Reparameterization
from keras_recsys.layers.reserved_id_mask import ReservedIdMask
from keras_recsys.layers.rnn_sequence_encoder import RNNSequenceEncoder
from keras_recsys.layers.tied_item_embedding import TiedItemEmbedding
from keras_recsys.layers.top_k_retrieval import TopKRetrieval
from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.layers.vae_block import VAEBlock

__all__ = [
    "CatalogCandidates",
    "IdEmbedding",
    "AutoencoderBlock",
    "CDAEBlock",
    "Reparameterization",
    "ReservedIdMask",
    "VAEBlock",
    "CrossNetwork",
    "EmbeddingTower",
    "FactorizationMachine",
    "InBatchSimilarity",
    "TopKRetrieval",
    "CNNSequenceEncoder",
    "LastRealPosition",
    "RNNSequenceEncoder",
    "TiedItemEmbedding",
    "TransformerSequenceEncoder",
    "ItemItemLinear",
    "AppendMaskToken",
    "BidirectionalSequenceEncoder",
    "MaskedItemEmbedding",
    "MaskedItemPositions",
]
