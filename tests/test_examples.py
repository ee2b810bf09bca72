"""Static checks of examples/: what each shows, and a --quick mode for CI.

The examples themselves run in CI through `make examples`
(tools/run_examples.py runs each with --quick); this test only checks that
each script says what it shows on its first line and offers --quick, so the
runner can never skip one.
"""

import ast
import pathlib

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parents[1] / "examples").glob("*.py"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 5, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_says_what_it_shows_and_has_quick(path):
    source = path.read_text()
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    assert doc, f"{path.name} has no module docstring"
    first = doc.splitlines()[0]
    assert first.startswith("Shows "), first
    assert source.lstrip().startswith('"""'), "the docstring must be the first line"
    # An argparse flag `--quick`, and a `main` guarded for import.
    flags = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "add_argument"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert "--quick" in flags, f"{path.name} has no --quick flag"
    assert 'if __name__ == "__main__":' in source


def test_runner_lists_every_example():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "run_examples",
        pathlib.Path(__file__).parents[1] / "tools" / "run_examples.py",
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(module.EXAMPLES.glob("*.py")) == EXAMPLES
    for path in EXAMPLES:
        assert module.first_line(path).startswith("Shows ")
