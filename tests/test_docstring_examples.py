"""Every public object's docstring examples run as written.

Docstrings promise that their ```python blocks (the `Example:` section) run
as written with full `keras_recsys.` paths. This test extracts each block of
every object exported by a subpackage's `__all__` and executes it under the
active backend, in a fresh namespace per object (blocks of one docstring
share it, in order). On JAX, examples that call `fit` are skipped for time
(they run on TensorFlow and PyTorch).

A statement followed by a comment that starts with a literal, such as
`ndcg_at_k(y_true, y_pred, k=2)  # [0.38685283]` or
`codes = encoder.fit_transform(...)  # [2, 1, 3, 1]`, promises that value: the
expression's (or the assigned name's) value is compared with it, numbers to
the precision written.
"""

import ast
import importlib
import inspect
import io
import re
import textwrap
import tokenize

import keras
import numpy as np
import pytest

import keras_recsys

# Every exported subpackage, so a new one is covered without a list here.
SUBPACKAGES = tuple(s for s in keras_recsys.__all__ if not s.startswith("_"))
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


def _leading_literal(comment):
    """What a comment promises: `[values]`, `(a shape)` or a lone number.

    Returns `(literal, its text)` or None. Trailing words are allowed after a
    bracketed literal (`# [0.5] for the first row`).
    """
    text = comment.lstrip("#").strip()
    if text[:1] in ("[", "("):
        depth = 0
        for i, ch in enumerate(text):
            depth += ch in "(["
            depth -= ch in ")]"
            if depth == 0:
                text = text[: i + 1]
                break
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (list, tuple, int, float)) and not isinstance(value, bool):
        return value, text
    return None


def _as_array(value):
    if hasattr(value, "to_numpy"):
        return value.to_numpy()
    if hasattr(value, "toarray"):
        return value.toarray()
    if isinstance(value, (list, tuple, int, float, np.ndarray, np.generic)):
        return np.asarray(value)
    return np.asarray(keras.ops.convert_to_numpy(value))


def check_promise(value, expected, written, where):
    """Asserts that `value` equals the literal `expected` written as `written`.

    A tuple of ints promises the value's shape (or equals a shape tuple);
    another tuple, a list or a number promises the values.
    """
    if isinstance(expected, tuple) and not all(isinstance(d, int) for d in expected):
        # A tuple of other things (`('model', None)`) promises itself.
        assert tuple(value) == expected, f"{where}: {value!r} != {written}"
        return
    if isinstance(expected, tuple):
        # `x.shape  # (2, 3)` promises the tuple itself.
        shape = value if isinstance(value, tuple) else np.shape(value)
        shape = tuple(int(d) for d in shape)
        assert shape == expected, f"{where}: shape {shape} != {written}"
        return
    got, want = _as_array(value), np.asarray(expected)
    if want.dtype.kind in "USO":
        assert got.tolist() == want.tolist(), f"{where}: {got.tolist()} != {written}"
        return
    decimals = [len(d) for d in re.findall(r"\.(\d+)", written)]
    atol = 0.5 * 10.0 ** -max(decimals) + 1e-7 if decimals else 1e-6
    assert got.shape == want.shape, f"{where}: shape {got.shape} != {written}"
    np.testing.assert_allclose(got.astype("float64"), want, atol=atol, err_msg=where)


def instrument(block, where):
    """Compiles `block` with a check after each statement promising a value."""
    comments = {}
    for tok in tokenize.generate_tokens(io.StringIO(block).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string
    tree = ast.parse(block)
    body = []
    for stmt in tree.body:
        body.append(stmt)
        found = _leading_literal(comments.get(stmt.end_lineno, ""))
        if found is None:
            continue
        if isinstance(stmt, ast.Expr):
            body[-1] = ast.Assign(
                targets=[ast.Name("__value__", ast.Store())], value=stmt.value
            )
            subject = ast.Name("__value__", ast.Load())
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            subject = ast.Name(stmt.targets[0].id, ast.Load())
        else:
            continue
        _, written = found
        call = ast.Call(
            func=ast.Name("__check__", ast.Load()),
            args=[
                subject,
                ast.parse(written, mode="eval").body,
                ast.Constant(written),
                ast.Constant(f"{where}, line {stmt.end_lineno}"),
            ],
            keywords=[],
        )
        body.append(ast.Expr(call))
    tree.body = body
    return compile(ast.fix_missing_locations(tree), where, "exec")


def test_promised_values_are_checked():
    good = "import numpy as np\nx = np.array([0.25, 1 / 3])  # [0.25, 0.333]\n"
    exec(instrument(good, "good"), {"__check__": check_promise})
    bad = "import numpy as np\nnp.array([0.25]) * 2  # [0.25]\n"
    with pytest.raises(AssertionError, match="bad"):
        exec(instrument(bad, "bad"), {"__check__": check_promise})
    words = "x = ['a', 'c']  # ['a', 'c']\ny = 1  # one item\nz = [[1]]  # (1, 1)\n"
    exec(instrument(words, "words"), {"__check__": check_promise})


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
    namespace = {"__name__": f"docstring_example:{path}", "__check__": check_promise}
    for i, block in enumerate(blocks):
        exec(instrument(block, f"<{path} example {i + 1}>"), namespace)
