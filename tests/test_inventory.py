"""The public API is registered and every serializable object is tested."""

import pathlib

import keras
import pytest

import keras_recsys
from keras_recsys.utils.api_export import PUBLIC_OBJECTS
from keras_recsys.utils.testing import inventory_problems
from keras_recsys.utils.testing import names_covered_by_harness
from keras_recsys.utils.testing import public_api

TESTS = pathlib.Path(__file__).parent


def test_public_api_is_registered_and_covered():
    problems = inventory_problems(public_api(), names_covered_by_harness(TESTS))
    assert not problems, "\n".join(problems)


def test_exports_match_the_decorator():
    exported = {path: obj for path, obj in public_api().items()}
    # Every decorated object is exported where its path says, and vice versa.
    for path, obj in PUBLIC_OBJECTS.items():
        assert exported.get(path) is obj, f"{path} is decorated but not exported"
    for path, obj in exported.items():
        assert PUBLIC_OBJECTS.get(path) is obj, (
            f"{path} is exported without @keras_recsys_export"
        )


def test_inventory_catches_an_unregistered_class():
    class Unregistered(keras.layers.Layer):
        pass

    problems = inventory_problems(
        {"keras_recsys.layers.Unregistered": Unregistered}, set()
    )
    assert any("not registered" in p for p in problems), problems
    assert any("no serialization test" in p for p in problems), problems


def test_inventory_catches_a_registered_but_untested_class():
    @keras.saving.register_keras_serializable(package="keras_recsys", name="Untested")
    class Untested(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred

    problems = inventory_problems({"keras_recsys.losses.Untested": Untested}, set())
    assert problems == [
        "keras_recsys.losses.Untested: no serialization test (run_*_test) covers it"
    ]
    assert (
        inventory_problems({"keras_recsys.losses.Untested": Untested}, {"Untested"})
        == []
    )


def test_harness_calls_are_found(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "run_layer_test(keras_recsys.layers.Foo, {}, x)\n"
        "testing.run_metric_test(BarAtK, {}, a, b)\n"
        "other(Baz)\n"
    )
    assert names_covered_by_harness(tmp_path) == {"Foo", "BarAtK"}


def test_version():
    assert isinstance(keras_recsys.__version__, str)
    assert keras_recsys.__version__.count(".") == 2


@pytest.mark.parametrize(
    "sub", ["layers", "losses", "metrics", "models", "callbacks", "privacy"]
)
def test_subpackages_have_all(sub):
    assert isinstance(getattr(keras_recsys, sub).__all__, list)
