"""Every public object's docstring examples run as written.

Docstrings promise that their ```python blocks (the `Example:` section) run
as written with full `keras_recsys.` paths. This test extracts each block of
every object exported by a subpackage's `__all__` and executes it under the
active backend, in a fresh namespace per object (blocks of one docstring
share it, in order). On JAX, examples that call `fit` are skipped for time
(they run on TensorFlow and PyTorch).
"""

import importlib
import inspect
import re
import textwrap

import keras
import pytest

SUBPACKAGES = (
    "layers",
    "losses",
    "metrics",
    "models",
    "callbacks",
    "evaluation",
    "data",
    "privacy",
)
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(doc):
    """The ```python blocks of a docstring, dedented."""
    doc = inspect.cleandoc(doc or "")
    # Fences may be indented inside a section; dedent each line's fence.
    normalized = "\n".join(
        line.strip() if line.strip().startswith("```") else line
        for line in doc.splitlines()
    )
    return [textwrap.dedent(block) for block in _FENCE.findall(normalized + "\n")]


def public_objects():
    found = []
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"keras_recsys.{sub}")
        for name in getattr(module, "__all__", []):
            found.append((f"keras_recsys.{sub}.{name}", getattr(module, name)))
    return found


OBJECTS = public_objects()
WITH_EXAMPLES = [(p, o) for p, o in OBJECTS if python_blocks(inspect.getdoc(o))]


def test_extraction_finds_fenced_blocks():
    doc = """Thing.

    Example:

    ```python
    x = 1
    if x:
        y = 2
    ```

    ```
    not run
    ```
    """
    assert python_blocks(doc) == ["x = 1\nif x:\n    y = 2\n"]


def test_every_public_object_has_a_docstring_example():
    missing = [p for p, o in OBJECTS if not python_blocks(inspect.getdoc(o))]
    assert not missing, f"public objects without a ```python example: {missing}"


@pytest.mark.parametrize(
    "path,obj", WITH_EXAMPLES, ids=[p for p, _ in WITH_EXAMPLES] or None
)
def test_docstring_example_runs(path, obj, tmp_path, monkeypatch):
    blocks = python_blocks(inspect.getdoc(obj))
    if keras.backend.backend() == "jax" and any(".fit(" in b for b in blocks):
        # XLA compiles each training step (about 10 s per example on 2 CPU
        # cores); these run on TensorFlow and PyTorch, and the builders' own
        # tests train on JAX.
        pytest.skip("docstring examples that train run on tensorflow and torch")
    monkeypatch.chdir(tmp_path)  # examples that save files write here
    keras.utils.set_random_seed(0)
    namespace = {"__name__": f"docstring_example:{path}"}
    for i, block in enumerate(blocks):
        code = compile(block, f"<{path} example {i + 1}>", "exec")
        exec(code, namespace)
