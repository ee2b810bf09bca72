"""Shared docstring paragraphs, written once and filled in by a decorator."""


def format_docstring(**paragraphs):
    """Fills `{name}` placeholder lines of a docstring with shared text.

    A placeholder stands alone on its line; the text replacing it takes that
    line's indentation, so one paragraph serves docstrings at any depth.
    Placeholders that are not named here, and braces elsewhere in the
    docstring, are left as they are.

    Args:
        **paragraphs: str. The text of each placeholder, by name.

    Returns:
        A decorator that rewrites `__doc__` of a function or a class.
    """

    def decorate(obj):
        lines = []
        for line in (obj.__doc__ or "").splitlines():
            key = line.strip()
            name = key[1:-1]
            if key.startswith("{") and key.endswith("}") and name in paragraphs:
                indent = line[: len(line) - len(line.lstrip())]
                text = paragraphs[name].strip("\n").splitlines()
                lines.extend(indent + part if part else "" for part in text)
            else:
                lines.append(line)
        obj.__doc__ = "\n".join(lines)
        return obj

    return decorate
