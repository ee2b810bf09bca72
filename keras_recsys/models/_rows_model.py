"""Shared wiring of the builders over user rows (not public)."""

import keras

from keras_recsys.layers.reserved_id_mask import ReservedIdMask
from keras_recsys.models._stamped import stamped_model

# The block arguments that the row builders pass on as they are.
BLOCK_ARGUMENTS = ("activation", "dropout", "kernel_regularizer", "seed")


def block_arguments(arguments):
    """The `BLOCK_ARGUMENTS` in a builder's `locals()`."""
    return {k: arguments[k] for k in BLOCK_ARGUMENTS}


def rows_model(builder, arguments, block, user_id=False):
    """Builds `interactions` (and `user_id`) -> `block` -> `ReservedIdMask`.

    `builder` is the `build_*` function and `arguments` its `locals()` (read
    for `num_items` and stamped on the model). With `user_id`, the block is
    called on `[interactions, user_id]` (CDAE). Column 0, the reserved code,
    scores `-1e9`.
    """
    rows = keras.Input(
        shape=(arguments["num_items"],), name="interactions", dtype="float32"
    )
    if user_id:
        user = keras.Input(shape=(), name="user_id", dtype="int32")
        inputs, outputs = {"interactions": rows, "user_id": user}, block([rows, user])
    else:
        inputs, outputs = rows, block(rows)
    outputs = ReservedIdMask(name="reserved_id_mask")(outputs)
    return stamped_model(builder, arguments, inputs, outputs)
