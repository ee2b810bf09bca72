"""Table rows of the bad-input suite for data tools, loaders and evaluation.

A row is `(label, call, outcome)`: one hostile-but-realistic input of one
entry point and the outcome it must give, of one of two classes:

- `error(name)`: a clear error, a `ValueError` or `TypeError` whose message
  names the argument `name` (or matches a given pattern);
- `value(reference)`: a documented value, equal to `reference()`, which is
  computed plainly with numpy or pandas, never with the code under test.

`params(entry, rows)` turns a table into the probes of `_probes.py` (one
machinery classifies and counts every probe of the suite) as `pytest.param`s;
`check(probe)` runs one: a silently wrong value fails the comparison
(`assert_same`: exact, frames and sparse matrices included), a NaN that the
reference does not have fails too, and an error where a value is documented
(or the other way round) fails.
"""

import collections

import _probes
import numpy as np
import pandas as pd
from _probes import CLEAR_ERRORS
from _probes import SILENT_NAN
from _probes import SILENT_WRONG
from _probes import check  # noqa: F401 (the tables' test functions call it)

Expect = collections.namedtuple("Expect", "error arg match exceptions reference")


def error(name, match=None, exceptions=CLEAR_ERRORS):
    """A clear error naming `name` (or matching the regex `match`)."""
    return Expect(True, name, match, exceptions, None)


def value(reference):
    """A documented value: the result equals `reference()`."""
    return Expect(False, None, None, (), reference)


def _compare_exact(result, expected):
    try:
        assert_same(result, expected)
    except AssertionError as e:
        return (SILENT_NAN if "silent NaN" in str(e) else SILENT_WRONG), str(e)
    return None


def params(entry, rows):
    """`pytest.param`s of the `(label, call, outcome)` rows of one entry point."""
    probes = [
        _probes.error(entry, label, call, o.arg, o.match, o.exceptions)
        if o.error
        else _probes.value(entry, label, call, o.reference, compare=_compare_exact)
        for label, call, o in rows
    ]
    return _probes.params(probes)


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
