"""The package builds into a wheel that installs and imports on every backend.

The wheel is installed into a new virtual environment outside the repository,
so this checks the packaged files, not the working tree. Keras itself imports
pandas (and JAX imports scipy) when they are installed, so the check is that
`import keras_recsys` adds no pandas or scipy module to those Keras already
loaded, and that it imports with pandas and scipy made unimportable.
"""

import os
import pathlib
import subprocess
import sys
import sysconfig
import textwrap

import keras
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHECK = textwrap.dedent(
    """
    import sys

    if BLOCK:
        # A None entry makes `import pandas` raise ModuleNotFoundError.
        sys.modules["pandas"] = sys.modules["scipy"] = None
    import keras
    def loaded():
        return {
            m
            for m, mod in sys.modules.items()
            if mod is not None and m.split(".")[0] in ("pandas", "scipy")
        }

    before = loaded()
    import keras_recsys
    after = loaded()
    assert keras_recsys.__file__.startswith(VENV), keras_recsys.__file__
    assert after == before, sorted(after - before)
    assert keras.backend.backend() == BACKEND, keras.backend.backend()
    import numpy as np
    out = keras_recsys.layers.IdEmbedding(5, 2)(np.array([1, 4]))
    assert tuple(out.shape) == (2, 2)
    print("ok", keras_recsys.__version__, BACKEND)
    """
)


@pytest.mark.slow
def test_wheel_installs_into_a_new_venv_and_imports(tmp_path):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("backend-independent: runs once, in the tensorflow pass")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT],
        check=True,
    )
    wheels = list(dist.glob("keras_recsys-*.whl"))
    assert len(wheels) == 1, wheels
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheels[0]],
        check=True,
    )
    # The backends come from this environment's site-packages, appended after
    # the new venv's own (where keras_recsys now lives).
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    pathlib.Path(site, "backends.pth").write_text(sysconfig.get_paths()["purelib"])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    for backend in ("tensorflow", "jax", "torch"):
        # JAX needs scipy itself, so only the module diff is checked there.
        block = backend != "jax"
        code = f"VENV={str(venv)!r}; BACKEND={backend!r}; BLOCK={block}\n" + CHECK
        result = subprocess.run(
            [py, "-c", code],
            cwd=tmp_path,
            env=dict(env, KERAS_BACKEND=backend),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "ok " in result.stdout and backend in result.stdout


@pytest.mark.backend_independent
def test_readme_lists_every_extra_and_names_no_index():
    import re

    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    readme = (ROOT / "README.md").read_text()
    for doc in ("README.md", "docs/getting_started.md", "docs/data.md"):
        text = (ROOT / doc).read_text()
        assert not re.search(r"pip install \"?keras-recsys", text), doc
    section = readme[readme.index("## Installation") :]
    section = section[: section.index("\n## ", 1)]
    listed = set(re.findall(r"^\| `([\w-]+)` \|", section, flags=re.M))
    assert listed == set(extras), (sorted(listed), sorted(extras))
    version = re.search(r'"(.+)"', (ROOT / "keras_recsys/version.py").read_text())
    assert f"keras_recsys-{version.group(1)}-py3-none-any.whl" in section
