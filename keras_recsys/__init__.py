"""keras_recsys: Keras-native building blocks for deep-learning recommenders.

Layers, losses, streaming ranking metrics, model builders and full-catalog
evaluation that run on the TensorFlow, JAX and PyTorch backends of Keras 3.
`keras_recsys.data` (pandas and scipy) is imported only when used.
"""

import importlib

from keras_recsys import callbacks
from keras_recsys import distribution
from keras_recsys import evaluation
from keras_recsys import explain
from keras_recsys import layers
from keras_recsys import losses
from keras_recsys import metrics
from keras_recsys import models
from keras_recsys import privacy
from keras_recsys import serving
from keras_recsys.version import __version__

__all__ = [
    "__version__",
    "callbacks",
    "data",
    "distribution",
    "evaluation",
    "explain",
    "layers",
    "losses",
    "metrics",
    "models",
    "serving",
    "privacy",
]


def __getattr__(name):
    # `data` needs pandas and scipy; import it on first use only.
    if name == "data":
        return importlib.import_module("keras_recsys.data")
    raise AttributeError(f"module 'keras_recsys' has no attribute {name!r}")
