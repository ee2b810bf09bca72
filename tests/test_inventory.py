"""The public API is registered, exported and covered by the harness.

The whole-suite check runs at the end of each full pass (see
`tests/_inventory_plugin.py`); these tests show that its parts catch what they
must.
"""

import _inventory_plugin as inventory
import keras
import pytest

import keras_recsys
from keras_recsys.utils import testing


def test_every_public_object_is_registered_and_exported():
    api = inventory.public_api()
    assert "keras_recsys.layers.IdEmbedding" in api
    # Registration and exports only: coverage needs a whole pass, so the
    # plugin checks it at the end of one (tests/_inventory_plugin.py).
    problems = inventory.inventory_problems(api, covered=set(api.values()))
    problems += inventory.export_problems(api)
    assert not problems, "\n".join(problems)


def test_inventory_catches_an_unregistered_class():
    class Unregistered(keras.layers.Layer):
        pass

    problems = inventory.inventory_problems(
        {"keras_recsys.layers.Unregistered": Unregistered}, set()
    )
    assert any("not registered" in p for p in problems), problems
    assert any("no serialization test" in p for p in problems), problems


def test_inventory_catches_a_registered_but_untested_class():
    @keras.saving.register_keras_serializable(package="keras_recsys", name="Untested")
    class Untested(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred

    api = {"keras_recsys.losses.Untested": Untested}
    assert inventory.inventory_problems(api, set()) == [
        "keras_recsys.losses.Untested: no serialization test (run_*_test) covers it"
    ]
    assert inventory.inventory_problems(api, {Untested}) == []


def test_harness_calls_are_recorded():
    # The harness functions are wrapped when pytest starts; a call records
    # the object it ran on, whatever module the test imported it from.
    inventory.COVERED.discard(keras_recsys.callbacks.KLAnnealing)
    testing.run_serialization_test(
        keras_recsys.callbacks.KLAnnealing, {"anneal_steps": 10}
    )
    assert keras_recsys.callbacks.KLAnnealing in inventory.COVERED


def test_an_exported_but_undecorated_object_is_caught():
    class Plain:
        pass

    problems = inventory.export_problems({"keras_recsys.layers.Plain": Plain})
    assert "keras_recsys.layers.Plain is exported without @keras_recsys_export" in (
        problems
    )


def test_version():
    assert isinstance(keras_recsys.__version__, str)
    assert keras_recsys.__version__.count(".") == 2


@pytest.mark.parametrize(
    "sub", ["layers", "losses", "metrics", "models", "callbacks", "privacy"]
)
def test_subpackages_have_all(sub):
    assert isinstance(getattr(keras_recsys, sub).__all__, list)
