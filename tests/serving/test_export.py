import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from _serving_fixtures import _encoders
from _serving_fixtures import _events
from _serving_fixtures import _two_tower

# Loads the SavedModel with TensorFlow alone, as TensorFlow Serving would.
LOADER = """
import importlib.abc, importlib.machinery, json, sys

class Refuse(importlib.abc.Loader):
    def create_module(self, spec):
        raise ImportError(spec.name + " must not be imported")

    def exec_module(self, module):
        pass

class Block(importlib.abc.MetaPathFinder):
    # TensorFlow may look keras up (find_spec) but must never import it.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("keras", "keras_recsys"):
            return importlib.machinery.ModuleSpec(name, Refuse())

sys.meta_path.insert(0, Block())
import tensorflow as tf
loaded = tf.saved_model.load(sys.argv[1])
out = loaded.signatures["recommend"](
    user_id=tf.constant(["u1", "stranger", "u4"]), k=tf.constant(3)
)
assert not [m for m in sys.modules if m.split(".")[0] in ("keras", "keras_recsys")]
print(json.dumps({
    "item_id": [[b.decode() for b in row] for row in out["item_id"].numpy()],
    "score": out["score"].numpy().tolist(),
    "fallback": out["fallback"].numpy().tolist(),
}))
"""


def _recommender():
    events = _events()
    rec, _ = _two_tower(events, *_encoders(events))
    return rec


def _load_in_fresh_process(path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KERAS_BACKEND")
    }
    result = subprocess.run(
        [sys.executable, "-c", LOADER, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",  # not the repository: keras_recsys cannot be imported
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_saved_model_signature_in_a_fresh_process(tmp_path):
    rec = _recommender()
    path = tmp_path / "served"
    backend = keras.backend.backend()
    if backend == "torch":
        with pytest.raises(NotImplementedError, match="KERAS_BACKEND=tensorflow"):
            rec.export(path)
        return
    try:
        rec.export(path)
    except RuntimeError as error:
        # jax 0.10 writes StableHLO newer than TensorFlow 2.21 reads.
        assert backend == "jax" and "StableHLO" in str(error), error
        return
    out = _load_in_fresh_process(path)
    expected = rec.recommend(["u1", "stranger", "u4"], k=3)
    assert out["item_id"] == expected["item_id"].tolist()
    np.testing.assert_allclose(out["score"], expected["score"], rtol=1e-6)
    assert out["fallback"] == [False, True, False]


def test_export_rejects_other_formats(tmp_path):
    with pytest.raises(ValueError, match="format"):
        _recommender().export(tmp_path / "m.onnx", format="onnx")
