"""keras_recsys.layers: public layers."""

from keras_recsys.layers.autoencoder_block import AutoencoderBlock
from keras_recsys.layers.cdae_block import CDAEBlock
from keras_recsys.layers.id_embedding import IdEmbedding
from keras_recsys.layers.reparameterization import Reparameterization
from keras_recsys.layers.vae_block import VAEBlock

__all__ = [
    "IdEmbedding",
    "AutoencoderBlock",
    "CDAEBlock",
    "Reparameterization",
    "VAEBlock",
]
