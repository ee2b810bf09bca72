"""Shared fixtures: seeds, real-data lookup, the active backend."""

import os
import pathlib

import keras
import numpy as np
import pytest


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
