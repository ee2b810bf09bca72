"""The one way a builder stamps its arguments on its model (not public)."""

import inspect

from keras_recsys.models.built_model import BuiltModel


def stamped_model(builder, arguments, inputs, outputs, model_class=BuiltModel):
    """Returns `model_class(inputs, outputs)` stamped with `builder`'s arguments.

    Args:
        builder: the `build_*` function that calls this.
        arguments: dict. The builder's `locals()` after its checks: each of
            its parameters is read from it by name, so the stamp holds the
            checked values and lists every argument. `name` is not stamped:
            it names the model.
        inputs: the functional inputs.
        outputs: the functional outputs.
        model_class: a `BuiltModel` subclass. Defaults to `BuiltModel`.
    """
    names = [p for p in inspect.signature(builder).parameters if p != "name"]
    return model_class(
        inputs,
        outputs,
        builder=builder.__name__,
        hyperparameters={p: arguments[p] for p in names},
        name=arguments["name"],
    )
