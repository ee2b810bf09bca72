"""Sphinx configuration of the keras_recsys documentation.

Build with `make docs` (tools/build_docs.py): it stages these sources with the
generated API reference and results page under build/docs/src and runs
`sphinx-build -W --keep-going -n`, so any warning, including a broken
reference, fails the build.
"""

import os
import pathlib
import re
import sys

# The staged copy lives in build/docs/src; find the repository root by
# walking up to pyproject.toml so the package imports without installation.
_here = pathlib.Path(__file__).resolve().parent
for _parent in (_here, *_here.parents):
    if (_parent / "pyproject.toml").exists():
        sys.path.insert(0, str(_parent))
        break

# Importing the package must not pick a backend the machine lacks.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_recsys  # noqa: E402

project = "keras_recsys"
author = "keras_recsys developers"
copyright = "keras_recsys developers"
release = keras_recsys.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Docstrings write `x` for code, as Markdown does.
default_role = "code"

autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_class_signature = "mixed"
autodoc_mock_imports = []

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_param = True
napoleon_use_rtype = False
napoleon_custom_sections = [
    ("Call arguments", "params_style"),
    ("Call inputs", "params_style"),
    ("Inputs", "params_style"),
    ("Outputs", "params_style"),
    "Input shape",
    "Output shape",
]
# Napoleon's own section names (lower case) plus the custom ones above.
_KNOWN_SECTIONS = {
    "args", "arguments", "attention", "attributes", "caution", "danger",
    "error", "example", "examples", "hint", "important", "keyword args",
    "keyword arguments", "methods", "note", "notes", "other parameters",
    "parameters", "receive", "receives", "return", "returns", "raise",
    "raises", "references", "see also", "tip", "todo", "warning", "warnings",
    "warn", "warns", "yield", "yields",
}  # fmt: skip
_KNOWN_SECTIONS |= {
    (s if isinstance(s, str) else s[0]).lower() for s in napoleon_custom_sections
}
_HEADER = re.compile(r"^\s*([A-Z][A-Za-z ]*):\s*$")

# Strict about our own objects and pages; types of other libraries (keras,
# numpy, pandas, builtins) are named in docstrings without an inventory to
# resolve them against (the build runs offline), so those are not checked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(?!keras_recsys\b).*"),
]

html_theme = "alabaster"
html_title = f"keras_recsys {release}"
html_theme_options = {
    "description": "Keras 3 building blocks for recommender systems",
    "fixed_sidebar": True,
    "page_width": "auto",
    "body_max_width": "none",
}
html_static_path = ["_static"]

_FENCE = re.compile(r"^(\s*)```+\s*(\w*)\s*$")
# `**kwargs` / `*args` in prose or in a combined `Args:` entry
# ("k, chunk_size, **kwargs: ...") would open rST emphasis.
_STARRED = re.compile(r"(?<![\\`*\w])(\*{1,2})(kwargs|args)\b")


def _markdown_fences_to_rst(app, what, name, obj, options, lines):
    """Turns the docstrings' Markdown code fences into rST code blocks.

    Our docstrings follow Keras: an `Example:` section holds a fenced
    ```python block. Runs before napoleon (lower priority number).
    """
    out = []
    in_block = False
    indent = ""
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and not in_block:
            in_block = True
            indent = match.group(1)
            language = match.group(2) or "text"
            out.extend([f"{indent}.. code-block:: {language}", ""])
            continue
        if match and in_block:
            in_block = False
            out.append("")
            continue
        if in_block:
            stripped = line[len(indent) :] if line.startswith(indent) else line
            out.append(f"{indent}    {stripped}" if stripped.strip() else "")
        else:
            out.append(_escape_starred(line))
            # Another section header ("Shapes:") followed by an indented
            # block: a blank line makes it a paragraph and a block quote,
            # which rST accepts, instead of an "unexpected indentation".
            header = _HEADER.match(line)
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if (
                header
                and header.group(1).lower() not in _KNOWN_SECTIONS
                and following.strip()
                and len(following) - len(following.lstrip())
                > len(line) - len(line.lstrip())
            ):
                out.append("")
    lines[:] = out


def _escape_starred(line):
    # Leave inline code (`...`) alone.
    parts = line.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = _STARRED.sub(
            lambda m: "\\*" * len(m.group(1)) + m.group(2), parts[i]
        )
    return "`".join(parts)


def setup(app):
    app.connect("autodoc-process-docstring", _markdown_fences_to_rst, priority=100)
