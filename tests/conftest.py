"""Shared fixtures: seeds, real-data lookup, the active backend."""

import os
import pathlib

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import settings

# One Hypothesis profile for developers and CI alike: 100 examples from a
# fixed seed and no example database, so a clean clone fuzzes exactly what a
# developer's tree does (no replay of old local failures). Tests set no
# `max_examples` of their own; HYPOTHESIS_PROFILE=quick is for local runs.
settings.register_profile(
    "keras_recsys",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "quick", parent=settings.get_profile("keras_recsys"), max_examples=10
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "keras_recsys"))

# Records what the harness tested and checks the public API at the end of a
# whole pass (tests/_inventory_plugin.py).
pytest_plugins = ["_inventory_plugin"]


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1337)
    np.random.seed(1337)
    yield
    keras.config.set_dtype_policy("float32")


def data_path(*parts):
    """Returns `$KERAS_RECSYS_DATA/<parts>`; skips when it is missing.

    With `KERAS_RECSYS_REQUIRE_DATA=1` (set in CI) missing data fails the test
    instead of skipping it.
    """
    root = os.environ.get("KERAS_RECSYS_DATA")
    path = pathlib.Path(root, *parts) if root else None
    if path is None or not path.exists():
        message = (
            f"MovieLens data not found at {path} "
            "(set KERAS_RECSYS_DATA to the folder holding ml-100k/, ml-1m/ ...)"
        )
        if os.environ.get("KERAS_RECSYS_REQUIRE_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def ml100k_dir():
    return data_path("ml-100k")


@pytest.fixture
def ml1m_dir():
    return data_path("ml-1m")


@pytest.fixture
def backend():
    return keras.backend.backend()


@pytest.fixture
def require_data():
    """The `data_path` function, for tests that need other data files."""
    return data_path


def pytest_collection_modifyitems(config, items):
    """Deselects tests that do not belong to this pass.

    - `backend_independent` tests (numpy, pandas or pure-Python paths) run
      once, in the TensorFlow pass, not three times.
    - `multi_device` tests run only in their own pass (`-m multi_device`),
      which sets up virtual devices or worker processes.
    """
    backend = keras.backend.backend()
    explicit = config.getoption("-m") or ""
    keep, drop = [], []
    for item in items:
        if "multi_device" in item.keywords and "multi_device" not in explicit:
            drop.append(item)
        elif "backend_independent" in item.keywords and backend != "tensorflow":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
