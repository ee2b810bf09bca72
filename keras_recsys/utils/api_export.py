"""The one decorator that makes an object public and serializable."""

import keras

PACKAGE = "keras_recsys"

# Public path (for instance "keras_recsys.layers.EmbeddingTower") -> object.
PUBLIC_OBJECTS = {}


class keras_recsys_export:
    """Registers an object under `keras_recsys>Name` and marks it public.

    Every public layer, loss, metric, callback and function of the package
    goes through this decorator, so nothing can be public without being
    registered for Keras serialization.

    Args:
        path: str or list of str. The public path(s) of the object, for
            instance `"keras_recsys.layers.EmbeddingTower"`.

    Example:

    ```python
    @keras_recsys_export("keras_recsys.layers.MyLayer")
    class MyLayer(keras.layers.Layer):
        ...
    ```
    """

    def __init__(self, path):
        paths = [path] if isinstance(path, str) else list(path)
        if not paths or not all(
            isinstance(p, str) and p.startswith(PACKAGE + ".") for p in paths
        ):
            raise ValueError(
                f"`path` must be one or more strings starting with "
                f"'{PACKAGE}.'. Received: path={path!r}"
            )
        self.paths = paths

    def __call__(self, obj):
        name = obj.__name__
        for path in self.paths:
            if path.rsplit(".", 1)[-1] != name:
                raise ValueError(
                    f"The public path {path!r} must end with the object's "
                    f"name {name!r}."
                )
        keras.saving.register_keras_serializable(package=PACKAGE, name=name)(obj)
        for path in self.paths:
            PUBLIC_OBJECTS[path] = obj
        return obj


def registered_name(obj):
    """Returns the name `obj` is registered under, or None if it is not."""
    name = keras.saving.get_registered_name(obj)
    if keras.saving.get_registered_object(name) is obj:
        return name
    return None
