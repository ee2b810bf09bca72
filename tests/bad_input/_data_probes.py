"""Table rows of the bad-input suite for data tools, loaders and evaluation.

A probe is one hostile-but-realistic input of one entry point and the outcome
it must give, of one of two classes:

- `error(name)`: a clear error, a `ValueError` or `TypeError` whose message
  names the argument `name` (or matches a given pattern);
- `value(reference)`: a documented value, equal to `reference()`, which is
  computed plainly with numpy or pandas, never with the code under test.

`check(probe)` runs one probe: a silently wrong value fails the comparison, a
NaN that the reference does not have fails too, and an error where a value
is documented (or the other way round) fails. `params(entry, rows)` turns a
table into `pytest.param`s with readable ids and counts them in `COUNT`.
"""

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

# Probes built per entry point (for the count printed by the suite).
COUNT = {}


@dataclasses.dataclass(frozen=True)
class Outcome:
    kind: str  # "clear error" or "documented value"
    exceptions: tuple = ()
    pattern: str | None = None
    reference: Callable[[], Any] | None = None


def error(name, match=None, exceptions=(ValueError, TypeError)):
    """A clear error naming `name` (or matching the regex `match`)."""
    return Outcome("clear error", exceptions, match or re.escape(name))


def value(reference):
    """A documented value: the result equals `reference()`."""
    return Outcome("documented value", reference=reference)


@dataclasses.dataclass(frozen=True)
class Probe:
    label: str
    call: Callable[[], Any]
    outcome: Outcome


def params(entry, rows):
    """`pytest.param`s of `(label, call, outcome)` rows of one entry point."""
    probes = [Probe(label, call, outcome) for label, call, outcome in rows]
    labels = [p.label for p in probes]
    if len(set(labels)) != len(labels):
        raise ValueError(f"Duplicate probe labels for {entry}")
    COUNT[entry] = COUNT.get(entry, 0) + len(probes)
    return [pytest.param(p, id=f"{entry}:{p.label}") for p in probes]


def check(probe):
    outcome = probe.outcome
    if outcome.kind == "clear error":
        with pytest.raises(outcome.exceptions, match=outcome.pattern):
            probe.call()
        return
    assert_same(probe.call(), outcome.reference())


def assert_same(got, expected, where="result"):
    """Exact equality of results (frames, arrays, sparse, dicts, scalars)."""
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=where)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected, check_dtype=False, obj=where)
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and got.keys() == expected.keys(), where
        for key in expected:
            assert_same(got[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, f"{where}[{i}]")
    elif hasattr(expected, "toarray"):
        assert got.shape == expected.shape, where
        np.testing.assert_array_equal(got.toarray(), expected.toarray(), err_msg=where)
    elif isinstance(expected, float):
        assert not np.isnan(got) or np.isnan(expected), f"{where}: silent NaN"
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9, err_msg=where)
    else:
        got, expected = np.asarray(got), np.asarray(expected)
        assert got.shape == expected.shape, (where, got.shape, expected.shape)
        if expected.dtype.kind == "f":
            same_nan = np.isnan(got.astype("float64")) == np.isnan(expected)
            assert same_nan.all(), f"{where}: silent NaN"
            np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=where)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=where)


# Hostile scalars, by what they should be refused as.
NOT_INT = [1.5, "3", None, True, np.nan]
NOT_POSITIVE = [0, -1]
NOT_FINITE = [np.nan, float("inf"), -float("inf")]
NOT_NUMBER = ["4", None, [4.0]]


def scalar_rows(name, call, bad_values, match=None):
    """One `error(name)` row per bad value of the argument `name`."""
    return [
        (f"{name}={v!r}", (lambda v=v: call(v)), error(name, match=match))
        for v in bad_values
    ]
