"""Bad-input probes of keras_recsys.data.IdEncoder."""

import numpy as np
import pandas as pd
import pytest
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import value

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent


def _codes(raw, fit=None):
    """Plain reference: the sorted distinct ids get 1..n, others 0."""
    vocabulary = sorted(set(raw if fit is None else fit))
    index = {v: i + 1 for i, v in enumerate(vocabulary)}
    return np.array([index.get(v, 0) for v in raw], "int64")


def _fit_transform(values):
    return lambda: krd.IdEncoder().fit_transform(values)


def _transform(fit, values, **kwargs):
    return lambda: krd.IdEncoder(**kwargs).fit(fit).transform(values)


MIXED = [
    [1, "a", 2],
    ["a", 1],
    [1.5, "x"],
    [True, 2],
    [False, 0.5],
    ["1", 1],
    np.array([1, "a"], dtype=object),
    pd.Series([3, "3"], dtype=object),
    [b"a", "a"],
    [(1, 2), 3],
]
ROWS = [(f"fit mixed {list(v)!r}", _fit_transform(v), error("values")) for v in MIXED]
ROWS += [
    ("fit None", _fit_transform([1, None]), error("values")),
    ("fit NaN", _fit_transform([1.0, np.nan]), error("values")),
    (
        "fit pd.NA",
        _fit_transform(pd.Series([1, pd.NA], dtype="Int64")),
        error("values"),
    ),
    ("fit empty", _fit_transform([]), error("values")),
    ("fit 2-D", _fit_transform([[1, 2], [3, 4]]), error("values")),
    ("fit a scalar", _fit_transform(5), error("values", match="1-D")),
    ("unknown='drop'", lambda: krd.IdEncoder(unknown="drop"), error("unknown")),
    ("transform before fit", lambda: krd.IdEncoder().transform([1]), error("fit")),
    ("strings against ints", _transform([1, 2], ["1"]), error("values")),
    ("ints against strings", _transform(["1", "2"], [1]), error("values")),
    ("bools against ints", _transform([1, 2], [True]), error("values")),
    (
        "unknown id with unknown='error'",
        _transform([1, 2], [3], unknown="error"),
        error("3"),
    ),
    (
        "inverse of 0",
        lambda: krd.IdEncoder().fit([5]).inverse_transform([0]),
        error("codes"),
    ),
    (
        "inverse of n+1",
        lambda: krd.IdEncoder().fit([5]).inverse_transform([2]),
        error("codes"),
    ),
    (
        "inverse of float codes",
        lambda: krd.IdEncoder().fit([5]).inverse_transform([1.0]),
        error("codes"),
    ),
]
SAME_TYPE = [
    [3, 1, 2, 1],
    ["b", "a", "c", "a"],
    [2.5, 1.5, 2.5],
    [10**12, 5, 10**12],
    [-3, 0, 7],
    [True, False, True],
    ["1", "10", "2"],
    [np.int64(4), 4, np.int32(1)],
    [1, 2.0, 3.5],
    ["é", "e", "ü"],
]
ROWS += [
    (f"fit_transform {v!r}", _fit_transform(v), value(lambda v=v: _codes(v)))
    for v in SAME_TYPE
]
TRANSFORM = [
    ([1, 2, 3], [3, 4, 1]),
    ([1, 2, 3], [2.0, 2.5]),
    (["a", "b"], ["b", "zzz", "a"]),
    (["a", "b"], []),
    ([10**15, 1], [10**15, 10**15 + 1]),
    ([1, 2], np.array([2, 1], dtype="int8")),
    (["x", "y"], pd.Series(["y", "x"])),
    (["x", "y"], np.array(["y"], dtype=object)),
]
ROWS += [
    (
        f"transform {v!r} after {f!r}",
        _transform(f, v),
        value(lambda f=f, v=v: _codes(list(v), fit=f)),
    )
    for f, v in TRANSFORM
]
ROWS += [
    (
        "vocabulary_size",
        lambda: krd.IdEncoder().fit(["a", "b", "a"]).vocabulary_size,
        value(lambda: np.int64(3)),
    ),
    (
        "inverse round trip",
        lambda: krd.IdEncoder().fit([7, 3]).inverse_transform([2, 1]),
        value(lambda: np.array([7, 3])),
    ),
]


@pytest.mark.parametrize("probe", params("IdEncoder", ROWS))
def test_id_encoder(probe):
    check(probe)
