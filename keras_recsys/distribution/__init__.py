"""keras_recsys.distribution: running the builders on several devices.

Helpers on top of `keras.distribution` (JAX) that shard the large embedding
tables of a model; see docs/scaling.md for TensorFlow's `tf.distribute`.
"""

from keras_recsys.distribution.get_layout_map import get_layout_map
from keras_recsys.distribution.strategy_fit import strategy_fit

__all__ = [
    "get_layout_map",
    "strategy_fit",
]
