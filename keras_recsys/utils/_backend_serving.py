"""Backend branches of `keras_recsys.serving`: string ids exist as tensors in TF only.

Re-exported by `keras_recsys.utils.backend_utils`, the one import path.
"""

import numpy as np


def is_string_tensor(x):
    """True when `x` is a `tf.string` tensor (TF backend or an export graph)."""
    # Only TensorFlow has string tensors; never import it just to answer no.
    import sys

    if "tensorflow" not in sys.modules:
        return False
    import tensorflow as tf

    return isinstance(x, (tf.Tensor, tf.Variable)) and x.dtype == tf.string


def lookup_tables(vocabulary):
    """A TF hash table id -> code (`i + 1`) and the ids as a TF constant.

    Serves string ids (tensors of strings exist in TensorFlow only) and the
    raw ids of an exported SavedModel, which runs in TensorFlow whatever the
    backend that exported it.
    """
    import tensorflow as tf

    values = np.asarray(vocabulary)
    dtype = tf.string if values.dtype.kind in "UO" else tf.int64
    keys = tf.constant(values.tolist(), dtype=dtype)
    codes = tf.range(1, len(values) + 1, dtype=tf.int64)
    forward = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(keys, codes), default_value=0
    )
    return forward, keys


def table_lookup(tables, inputs, invert, missing_id):
    """Looks ids up in `lookup_tables` (or, inverted, codes up)."""
    # TensorFlow ops: see `lookup_tables`.
    import tensorflow as tf

    forward, keys = tables
    if not invert:
        return tf.cast(forward.lookup(tf.cast(inputs, keys.dtype)), tf.int32)
    table = tf.concat([tf.constant([missing_id], keys.dtype), keys], axis=0)
    codes = tf.cast(inputs, tf.int32)
    valid = tf.logical_and(codes > 0, codes <= tf.shape(keys)[0])
    return tf.gather(table, tf.where(valid, codes, 0))
