"""Tests for keras_recsys/models/built_model.py."""

import json
import zipfile

import keras
import numpy as np
import pytest

from keras_recsys.models import BuiltModel
from keras_recsys.utils.testing import run_serialization_test


def _graph():
    x = keras.Input(shape=(3,), name="interactions")
    return {"inputs": x, "outputs": keras.layers.Dense(2, name="dense")(x)}


def test_serialization_keeps_the_stamp():
    rebuilt = run_serialization_test(
        BuiltModel,
        {
            **_graph(),
            "builder": "build_toy",
            "hyperparameters": {"units": (2,), "reg": keras.regularizers.L2(0.5)},
            "name": "toy",
        },
    )
    assert rebuilt.builder == "build_toy"
    assert rebuilt.hyperparameters["units"] == [2]
    assert rebuilt.hyperparameters["reg"]["config"] == {"l2": 0.5}


def test_jit_compile_is_not_carried_across_backends(tmp_path):
    # Issue #13: a model saved with a resolved jit_compile=True (JAX's "auto")
    # ran through torch.compile once loaded on PyTorch.
    model = BuiltModel(**_graph(), builder="build_toy", hyperparameters={})
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    path = tmp_path / "toy.keras"
    model.save(path)
    stored = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert stored["compile_config"]["jit_compile"] == "auto"
    loaded = keras.saving.load_model(path)
    reference = BuiltModel(**_graph())
    reference.compile(optimizer="sgd", loss="mse")
    assert loaded.jit_compile == reference.jit_compile
    # A compile config written before (jit_compile=True) loads portably too.
    old = BuiltModel(**_graph())
    old.compile_from_config({**stored["compile_config"], "jit_compile": True})
    assert old.jit_compile == reference.jit_compile
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [({"builder": 3}, "builder"), ({"hyperparameters": [1]}, "hyperparameters")],
)
def test_bad_stamp(kwargs, match):
    with pytest.raises(TypeError, match=match):
        BuiltModel(**_graph(), **kwargs)
