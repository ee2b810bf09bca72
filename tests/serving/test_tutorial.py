"""Runs every Python block of docs/serving.md, in order, as one script."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "serving.md"


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_blocks_are_found():
    blocks = python_blocks(PAGE.read_text())
    assert len(blocks) >= 8
    assert any("export(" in b for b in blocks)


# The page sets its own backend (TensorFlow, for the export): one run suffices.
@pytest.mark.backend_independent
def test_tutorial_runs(tmp_path):
    script = "\n\n".join(python_blocks(PAGE.read_text()))
    env = dict(os.environ, KERAS_BACKEND="tensorflow", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "two_tower_savedmodel" / "saved_model.pb").exists()
    assert "fallback: [False  True]" in result.stdout
