"""Named `keras.Input`s for `EmbeddingTower` feature specs (builder helper)."""

import keras


def feature_inputs(specs):
    """Returns {name: keras.Input} matching an `EmbeddingTower`'s specs.

    Id features are int32 `(batch,)`, id lists int32 `(batch, max_len)` with
    any `max_len`, numeric features float32 `(batch, dim)`.
    """
    inputs = {}
    for name in sorted(specs):
        spec = specs[name]
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind == "id":
            inputs[name] = keras.Input(shape=(), dtype="int32", name=name)
        elif kind == "id_list":
            inputs[name] = keras.Input(shape=(None,), dtype="int32", name=name)
        elif kind == "numeric":
            dim = spec.get("dim", 1)
            inputs[name] = keras.Input(shape=(dim,), dtype="float32", name=name)
        else:
            # EmbeddingTower raises the detailed error; fail early with the name.
            raise ValueError(
                f"Feature {name!r} has an invalid spec {spec!r}: 'type' must be "
                "'id', 'id_list' or 'numeric'"
            )
    return inputs


def check_disjoint(user_features, item_features):
    """Raises if a feature name is both a user and an item feature."""
    for arg, value in (
        ("user_features", user_features),
        ("item_features", item_features),
    ):
        if not isinstance(value, dict) or not value:
            raise ValueError(
                f"`{arg}` must be a non-empty dict of feature name -> spec. "
                f"Received: {arg}={value!r}"
            )
    shared = sorted(set(user_features) & set(item_features))
    if shared:
        raise ValueError(
            "Feature names must differ between `user_features` and "
            f"`item_features` (they become the model's input names). Both have {shared}"
        )
