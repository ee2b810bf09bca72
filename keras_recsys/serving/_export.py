"""`Recommender.export`: a SavedModel with a named `recommend` signature."""

import keras

from keras_recsys.utils import backend_utils
from keras_recsys.utils.validation import check_one_of


def export(self, filepath, format="tf_saved_model", verbose=None, **kwargs):
    """Exports a TensorFlow SavedModel with a `recommend` signature.

    The signature takes `user_id`: raw ids `(batch,)` (`tf.string` or
    `tf.int64`, as the vocabulary) and `k`: an int32 scalar
    (`1 <= k <= max_k`), and returns `item_id` `(batch, k)` raw ids,
    `score` `(batch, k)` and `fallback` `(batch,)`: the answers of
    `recommend`. It is also the `serving_default` signature, and loads
    with `tf.saved_model.load` alone (no Keras, no keras_recsys), as
    TensorFlow Serving loads it. Works on the TensorFlow backend. On
    JAX, Keras converts through `jax2tf`; the export is checked by
    running the signature once and raises a `RuntimeError` when the
    installed TensorFlow cannot run it (with jax 0.10 and
    TensorFlow 2.21 it cannot: newer StableHLO). On PyTorch it raises
    `NotImplementedError`. On both, load the `.keras` file under
    `KERAS_BACKEND=tensorflow` and export there (the file does not
    depend on the backend).

    Args:
        filepath: str. The SavedModel directory.
        format: str. Only `"tf_saved_model"` (see docs/serving.md for
            ONNX). Defaults to `"tf_saved_model"`.
        verbose: bool. Print the signatures. Defaults to `None` (no).
        **kwargs: passed to `ExportArchive.add_endpoint` (JAX options).
    """
    check_one_of("format", format, ("tf_saved_model",))
    if backend_utils.backend() not in ("tensorflow", "jax"):
        raise NotImplementedError(
            "Recommender.export needs the TensorFlow or JAX backend: Keras "
            "exports PyTorch models to SavedModel only through torch_xla, "
            "which cannot carry the id lookup tables. Save the model "
            "(`model.save('m.keras')`), load it with "
            "KERAS_BACKEND=tensorflow and export it there."
        )
    import tensorflow as tf

    archive = keras.export.ExportArchive()
    archive.track(self)
    core = archive.add_endpoint(
        "recommend_codes",
        lambda user_id: self.call({"user_id": user_id}),
        input_signature=[keras.InputSpec(shape=(None,), dtype="int32")],
        **kwargs,
    )
    users, items = self.user_lookup, self.item_ids
    key_dtype = tf.string if users.kind == "string" else tf.int64

    @tf.function(
        input_signature=[
            tf.TensorSpec([None], key_dtype, name="user_id"),
            tf.TensorSpec([], tf.int32, name="k"),
        ]
    )
    def recommend(user_id, k):
        tf.debugging.assert_greater(k, 0, message="`k` must be >= 1")
        tf.debugging.assert_less_equal(
            k, self.max_k, message=f"`k` must be <= max_k={self.max_k}"
        )
        out = core(users.tf_lookup(user_id))
        return {
            "item_id": items.tf_lookup(out["item_code"][:, :k]),
            "score": out["score"][:, :k],
            "fallback": out["fallback"],
        }

    recommend.get_concrete_function()
    try:
        # A JAX export is StableHLO run by TensorFlow's XlaCallModule;
        # check now that this TensorFlow can run what this JAX wrote.
        recommend(tf.constant(users.vocabulary[:1], key_dtype), tf.constant(1))
    except tf.errors.OpError as error:
        raise RuntimeError(
            "The exported recommend signature does not run in this "
            f"TensorFlow ({tf.__version__}) on the {backend_utils.backend()} "
            "backend: the StableHLO the installed JAX writes is newer than the "
            "one TensorFlow reads. Save the model (`model.save('m.keras')`), "
            "load it with KERAS_BACKEND=tensorflow and export it there, or "
            "install a JAX release matching this TensorFlow. First error "
            f"line: {str(error).splitlines()[0][:300]}"
        ) from None
    for table in users.tf_resources + items.tf_resources:
        archive.track(table)
    archive.add_endpoint("recommend", recommend)
    archive.add_endpoint("serving_default", recommend)
    archive.write_out(filepath, verbose=bool(verbose))
