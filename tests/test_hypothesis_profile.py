"""The property tests fuzz the same fixed examples on every machine."""

import os

import pytest
from hypothesis import settings

pytestmark = pytest.mark.backend_independent


@pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE", "keras_recsys") != "keras_recsys",
    reason="a local HYPOTHESIS_PROFILE was chosen",
)
def test_profile_is_seeded_without_a_database():
    current = settings()
    assert current.max_examples >= 100
    assert current.derandomize is True
    assert current.database is None
