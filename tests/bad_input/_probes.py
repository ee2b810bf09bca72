"""The bad-input probe machinery: one row per probe, one outcome class each.

A probe calls one entry point with one hostile input and states what must
happen:

- `error(entry, case, fn, arg)`: a clear error, a `ValueError` or
  `TypeError` (or one of `exceptions`) whose message names the argument
  `arg` (or matches the regex `match`);
- `value(entry, case, fn, expected)`: the documented value, compared with
  a plain numpy reference (`expected`, an array, a number or a callable
  returning one) by `compare` (default: `allclose` within `rtol`).

`check(probe)` runs it, classifies the outcome and fails on any other
class. A new row is one `error(...)` or `value(...)` in a table; the test
file parametrizes over its table with `parametrize(TABLE)`. The data-tool
tables write their rows more briefly through `_data_probes.py`, which
builds these probes. The counts per outcome class are printed at the end of
the session (conftest.py).
"""

import collections
import re

import keras
import numpy as np
import pytest

CLEAR_ERROR = "clear error"
DOCUMENTED_VALUE = "documented value"
SILENT_WRONG = "silent wrong"
SILENT_NAN = "silent NaN"
UNCLEAR_ERROR = "unclear error"

# outcome class -> count, over every probe run in this session.
COUNTS = collections.Counter()
# entry point -> number of probes run.
ENTRY_POINTS = collections.Counter()

CLEAR_ERRORS = (ValueError, TypeError)

Probe = collections.namedtuple(
    "Probe", "entry case fn expect arg expected rtol match exceptions compare"
)


def error(entry, case, fn, arg, match=None, exceptions=CLEAR_ERRORS):
    """A probe that must raise one of `exceptions` naming `arg` (or
    matching the regex `match`)."""
    pattern = match or re.escape(arg)
    return Probe(
        entry, case, fn, CLEAR_ERROR, arg, None, None, pattern, exceptions, None
    )


def value(entry, case, fn, expected, rtol=1e-5, compare=None):
    """A probe whose result must equal the numpy reference `expected`.

    `compare(result, expected)` returns None when they agree, else
    `(outcome class, detail)`; the default compares arrays within `rtol`.
    """
    return Probe(
        entry, case, fn, DOCUMENTED_VALUE, None, expected, rtol, None, (), compare
    )


def _as_array(result):
    if isinstance(result, (tuple, list)):
        return [_as_array(r) for r in result]
    if result is None:
        return None
    return np.asarray(keras.ops.convert_to_numpy(result), dtype="float64")


def _has_nan(arrays):
    if isinstance(arrays, list):
        return any(_has_nan(a) for a in arrays)
    return arrays is not None and bool(np.isnan(arrays).any())


def _close(got, want, rtol):
    if isinstance(want, (tuple, list)):
        return len(got) == len(want) and all(
            _close(g, w, rtol) for g, w in zip(got, want)
        )
    want = np.asarray(want, dtype="float64")
    got = np.asarray(got, dtype="float64")
    return got.shape == want.shape and np.allclose(
        got, want, rtol=rtol, atol=1e-6, equal_nan=True
    )


def _compare_arrays(result, expected, rtol):
    got = _as_array(result)
    if _close(got, expected, rtol):
        return None
    want_nan = _has_nan(_as_array(expected))
    kind = SILENT_NAN if _has_nan(got) and not want_nan else SILENT_WRONG
    return kind, f"returned {got!r}, the reference is {expected!r}"


def _silent_kind(result):
    """SILENT_NAN when `result` (arrays) holds a NaN, else SILENT_WRONG."""
    try:
        return SILENT_NAN if _has_nan(_as_array(result)) else SILENT_WRONG
    except Exception:  # noqa: BLE001 (frames and other non-array results)
        return SILENT_WRONG


def classify(probe):
    """Runs `probe`; returns `(outcome class, detail)`."""
    try:
        result = probe.fn()
    except Exception as e:  # noqa: BLE001 (classified below)
        message = str(e)
        clear = isinstance(e, probe.exceptions or CLEAR_ERRORS)
        if probe.expect == CLEAR_ERROR and clear and re.search(probe.match, message):
            return CLEAR_ERROR, message
        return UNCLEAR_ERROR, f"{type(e).__name__}: {message}"
    if probe.expect == CLEAR_ERROR:
        return _silent_kind(result), (
            f"returned {result!r} instead of an error naming {probe.arg!r}"
        )
    expected = probe.expected() if callable(probe.expected) else probe.expected
    if probe.compare is None:
        problem = _compare_arrays(result, expected, probe.rtol)
    else:
        problem = probe.compare(result, expected)
    return problem or (DOCUMENTED_VALUE, "")


def check(probe):
    """Runs and counts `probe`; fails unless its outcome is the expected one."""
    outcome, detail = classify(probe)
    COUNTS[outcome] += 1
    ENTRY_POINTS[probe.entry] += 1
    assert outcome == probe.expect, f"{probe.entry} / {probe.case}: {outcome}: {detail}"


def params(table):
    """The `pytest.param`s of a probe table, ids `entry-case` (unique)."""
    ids = [f"{p.entry}-{p.case}" for p in table]
    duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert not duplicates, f"probe ids must be unique: {duplicates}"
    return [pytest.param(p, id=i) for p, i in zip(table, ids)]


def parametrize(table):
    """`@pytest.mark.parametrize` over a probe table, ids `entry-case`."""
    return pytest.mark.parametrize("probe", params(table))


def summary_lines():
    """The lines the session summary prints."""
    total = sum(COUNTS.values())
    if not total:
        return []
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(COUNTS.items()))
    per_entry = ", ".join(f"{e} {n}" for e, n in sorted(ENTRY_POINTS.items()))
    return [
        f"bad-input probes ({keras.backend.backend()}): {total} run over "
        f"{len(ENTRY_POINTS)} entry points: {parts}",
        f"probes per entry point: {per_entry}",
    ]
