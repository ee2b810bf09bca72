"""A pytest plugin: every public serializable object had a harness test.

The harness functions of `keras_recsys.utils.testing` (`run_layer_test`,
`run_loss_test`, `run_metric_test`, `run_serialization_test`) are wrapped
when pytest starts, so each call records the object it tested (its first
argument). When a whole pass of the suite has run (no paths, `-k` or `-m`
narrowing it), the plugin checks the public API against what was recorded:
an object that is not registered as `keras_recsys>Name`, or a layer, loss,
metric or callback that no harness call tested, fails the pass with one line
per problem. Tests may therefore be organized freely (parametrized suites,
helpers that call the harness): what counts is what ran. Under pytest-xdist
(`-n 2`), each worker sends what it recorded to the controller, which checks
the union once every worker is done.
"""

import functools
import importlib
import pathlib

import keras
import pytest

from keras_recsys.utils import testing
from keras_recsys.utils.api_export import PACKAGE
from keras_recsys.utils.api_export import PUBLIC_OBJECTS
from keras_recsys.utils.api_export import registered_name

HARNESS_FUNCTIONS = (
    "run_layer_test",
    "run_loss_test",
    "run_metric_test",
    "run_serialization_test",
)
SERIALIZABLE_BASES = (
    keras.layers.Layer,
    keras.losses.Loss,
    keras.metrics.Metric,
    keras.callbacks.Callback,
)
# Objects the harness was run on in this session (this process).
COVERED = set()
# What pytest-xdist workers recorded, by `_keys` (the controller's view).
WORKER_COVERED = set()
TESTS = pathlib.Path(__file__).resolve().parent


def _recording(fn):
    @functools.wraps(fn)
    def run(obj, *args, **kwargs):
        result = fn(obj, *args, **kwargs)
        COVERED.add(obj)
        return result

    return run


def _keys(objects):
    """Picklable names of the classes among `objects` (module.qualname)."""
    return {f"{o.__module__}.{o.__qualname__}" for o in objects if isinstance(o, type)}


def pytest_configure(config):
    for name in HARNESS_FUNCTIONS:
        original = getattr(testing, name)
        if not hasattr(original, "__wrapped__"):
            setattr(testing, name, _recording(original))


def public_api():
    """Returns {public path: object} for everything the package exports.

    Walks every subpackage that `keras_recsys.__all__` names, so a new
    subpackage is checked without being listed here.
    """
    import keras_recsys

    found = {}
    for sub in keras_recsys.__all__:
        # `data` depends on nothing else of keras_recsys: its tools are plain
        # functions and PyDatasets, not registered Keras objects.
        if sub.startswith("_") or sub == "data":
            continue
        module = importlib.import_module(f"keras_recsys.{sub}")
        for name in getattr(module, "__all__", []):
            found[f"keras_recsys.{sub}.{name}"] = getattr(module, name)
    return found


def inventory_problems(public_objects, covered):
    """Lists what is wrong with a public API, one string per problem.

    Args:
        public_objects: dict of public path -> object.
        covered: set of objects a harness call tested.
    """
    problems = []
    for path, obj in sorted(public_objects.items()):
        expected = f"{PACKAGE}>{obj.__name__}"
        if registered_name(obj) != expected:
            problems.append(f"{path}: not registered as {expected!r}")
        if (
            isinstance(obj, type)
            and issubclass(obj, SERIALIZABLE_BASES)
            and obj not in covered
        ):
            problems.append(f"{path}: no serialization test (run_*_test) covers it")
    return problems


def export_problems(public_objects):
    """Decorated objects that are not exported where their path says."""
    problems = []
    for path, obj in PUBLIC_OBJECTS.items():
        if public_objects.get(path) is not obj:
            problems.append(f"{path} is decorated but not exported")
    for path, obj in public_objects.items():
        if PUBLIC_OBJECTS.get(path) is not obj:
            problems.append(f"{path} is exported without @keras_recsys_export")
    return problems


def _whole_pass(session):
    """True when nothing narrowed this pass of the suite."""
    config = session.config
    if config.option.keyword or config.option.markexpr:
        return False
    args = [pathlib.Path(a.split("::")[0]).resolve() for a in config.args]
    return all(a == TESTS or a == TESTS.parent for a in args)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker is done; keep what it recorded."""
    WORKER_COVERED.update(getattr(node, "workeroutput", {}).get("inventory", []))


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller checks
        workeroutput["inventory"] = sorted(_keys(COVERED))
        return
    # Only a whole pass that ran and passed can tell what was not covered.
    if (
        exitstatus != 0
        or session.config.option.collectonly
        or session.testscollected == 0
        or not _whole_pass(session)
    ):
        return
    api = public_api()
    recorded = _keys(COVERED) | WORKER_COVERED
    covered = {obj for obj in api.values() if _keys([obj]) & recorded}
    problems = inventory_problems(api, covered) + export_problems(api)
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["public API inventory failed:", *problems]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = 1
