import keras
import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_array_inputs


def _plain(value):
    """`value` as JSON-ready data: Keras objects become their serialized dicts."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return keras.saving.serialize_keras_object(value)


def portable_compile_config(compile_config):
    # `jit_compile` resolved on one backend (JAX stores True) means another
    # thing elsewhere (torch.compile on PyTorch, far slower on small models):
    # a saved model lets the loading backend choose.
    if isinstance(compile_config, dict) and "jit_compile" in compile_config:
        compile_config = {**compile_config, "jit_compile": "auto"}
    return compile_config


@keras_recsys_export("keras_recsys.models.BuiltModel")
class BuiltModel(keras.Model):
    """A functional `keras.Model` that remembers the builder that made it.

    Every `keras_recsys.models.build_*` function returns one. Apart from
    being an ordinary functional model (same `fit`, `predict`, layers and
    weights), it keeps the builder's name and its arguments, which survive
    `get_config` / `from_config` and `.keras` save and safe-mode load:

    - `model.builder`: str, e.g. `"build_ncf"`.
    - `model.hyperparameters`: dict of the builder's arguments as plain
      JSON data (Keras objects such as regularizers as their serialized
      dicts).

    A saved model does not carry a backend's resolved `jit_compile`: its
    compile config stores `jit_compile="auto"`, so a model compiled on JAX
    (where "auto" means XLA) and loaded on PyTorch does not run through
    `torch.compile`.

    Args:
        inputs: the functional inputs (a `keras.Input`, list or dict).
        outputs: the functional outputs.
        builder: str. Name of the function that built the model. Defaults
            to `None`.
        hyperparameters: dict. The arguments it was built with. Defaults to
            `{}`.
        name: str. Name of the model.
        **kwargs: other `keras.Model` arguments.

    Example:

    ```python
    import keras
    import keras_recsys

    x = keras.Input(shape=(3,), name="interactions")
    model = keras_recsys.models.BuiltModel(
        x, keras.layers.Dense(2)(x), builder="build_toy",
        hyperparameters={"units": 2}, name="toy",
    )
    model.hyperparameters  # {"units": 2}
    ```
    """

    def __init__(self, *args, builder=None, hyperparameters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if builder is not None and not isinstance(builder, str):
            raise TypeError(
                f"`builder` must be a str or None. Received: builder={builder!r}"
            )
        if hyperparameters is not None and not isinstance(hyperparameters, dict):
            raise TypeError(
                "`hyperparameters` must be a dict or None. Received: "
                f"hyperparameters={hyperparameters!r}"
            )
        self.builder = builder
        self.hyperparameters = _plain(dict(hyperparameters or {}))

    # Keras casts numpy inputs to the int32 of the id inputs before any
    # layer runs (2**32 + j would read id j, 2.7 id 2): check them first.
    def fit(self, x=None, y=None, *args, **kwargs):
        return super().fit(check_array_inputs(self, x), y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        return super().evaluate(check_array_inputs(self, x), y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        return super().predict(check_array_inputs(self, x), *args, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(builder=self.builder, hyperparameters=self.hyperparameters)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # Keras's functional reviver pops keys from the dict it is given.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_compile_config(self):
        return portable_compile_config(super().get_compile_config())

    def compile_from_config(self, config):
        # Files saved before the portable compile config still load portably.
        return super().compile_from_config(portable_compile_config(config))
