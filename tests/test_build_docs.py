"""tools/build_docs.py deletes nothing but an earlier Sphinx output."""

import importlib.util
import pathlib

import pytest

pytestmark = pytest.mark.backend_independent

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _build_docs():
    spec = importlib.util.spec_from_file_location(
        "build_docs", ROOT / "tools" / "build_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_out_that_is_not_a_sphinx_output_is_refused(tmp_path):
    build_docs = _build_docs()
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="refusing"):
        build_docs.clear_output(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("where", ["docs", "root"])
def test_source_folders_are_refused(where):
    build_docs = _build_docs()
    target = build_docs.DOCS if where == "docs" else build_docs.ROOT
    with pytest.raises(SystemExit, match="source folder"):
        build_docs.clear_output(target)
    assert (build_docs.DOCS / "index.md").exists()


def test_an_earlier_build_or_empty_folder_is_cleared(tmp_path):
    build_docs = _build_docs()
    old = tmp_path / "html"
    old.mkdir()
    (old / ".buildinfo").write_text("")
    (old / "index.html").write_text("old")
    build_docs.clear_output(old)
    assert not old.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    build_docs.clear_output(empty)
    assert not empty.exists()


def test_staging_writes_nothing_inside_docs():
    build_docs = _build_docs()
    assert build_docs.DOCS not in build_docs.BUILD.parents
