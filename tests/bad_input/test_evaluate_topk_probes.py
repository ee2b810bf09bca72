"""Bad-input probes of keras_recsys.evaluation.evaluate_topk.

Runs on every backend (the ranking is compiled for the active one). The
documented values are computed here with a plain numpy ranking: the items
of a row sorted by score, the lower id first among ties, column 0 and the
excluded items never ranked.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _data_probes import NOT_INT
from _data_probes import NOT_POSITIVE
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import scalar_rows
from _data_probes import value

from keras_recsys.evaluation import evaluate_topk

NUM_ITEMS = 6
SCORES = np.array(
    [[9.0, 1, 5, 3, 3, 0], [9.0, 4, 4, 2, 1, 0], [9.0, 0, 1, 2, 3, 4]], "float32"
)
TARGETS = np.array([2, 1, 3])


def _scorer(u):
    return SCORES[np.asarray(u) % 3]


def _run(queries=None, targets=TARGETS, scorer=_scorer, **kwargs):
    kwargs = {"metrics": ("hit_rate", "mrr"), "ks": (1, 3), "verbose": 0, **kwargs}

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            q = np.arange(3) if queries is None else queries
            return evaluate_topk(scorer, q, targets, **kwargs)

    return call


def _reference(scores, targets, exclude=None, ks=(1, 3), candidates=None, extra=None):
    """hit_rate and mrr from a plain sort, users without targets left out."""
    out = {f"{m}@{k}": [] for m in ("hit_rate", "mrr") for k in ks}
    for u, row in enumerate(scores):
        items = list(range(len(row))) if candidates is None else list(candidates[u])
        targets_u = set(np.atleast_1d(targets[u]).tolist()) - {0}
        if not targets_u:
            continue
        banned = {0} | set(() if exclude is None else exclude[u]) - targets_u
        seen, ranked = set(), []
        for slot in sorted(range(len(items)), key=lambda s: (-row[items[s]], items[s])):
            item = items[slot]
            if item in banned or item in seen:
                continue
            seen.add(item)
            ranked.append(item)
        for k in ks:
            top = ranked[:k]
            hits = [r for r, item in enumerate(top) if item in targets_u]
            out[f"hit_rate@{k}"].append(1.0 if hits else 0.0)
            out[f"mrr@{k}"].append(1.0 / (hits[0] + 1) if hits else 0.0)
    result = {key: float(np.mean(v)) for key, v in out.items()}
    result["num_users"] = len(next(iter(out.values())))
    return {**result, **(extra or {})}


def _ref(**kwargs):
    return value(lambda: _reference(SCORES, **{"targets": TARGETS, **kwargs}))


def _item_2_on_top(row):
    """Every user scores the catalog `row`, whose item 2 beats item 1 by a
    hair; item 2 is every user's target, so it must rank first."""
    call = _run(scorer=lambda u: np.tile(row, (len(u), 1)), targets=np.array([2] * 3))
    hit = {f"{m}@{k}": 1.0 for m in ("hit_rate", "mrr") for k in (1, 3)}
    return call, value(lambda: {**hit, "num_users": 3})


CANDIDATES = np.array([[2, 1, 5], [3, 1, 4], [3, 4, 2]])
ROWS = []
ROWS += scalar_rows(
    "batch_size", lambda v: _run(batch_size=v)(), NOT_INT + NOT_POSITIVE
)
ROWS += scalar_rows(
    "num_items", lambda v: _run(num_items=v)(), [1.5, "6", True, np.nan, 0, 1, -6]
)
ROWS += scalar_rows(
    "ks", lambda v: _run(ks=v)(), [(0,), (-1,), (1.5,), ("3",), (True,), ()], match="k"
)
ROWS += scalar_rows("metrics", lambda v: _run(metrics=v)(), [("auc",), (), ("NDCG",)])
ROWS += scalar_rows("gain", lambda v: _run(gain=v)(), ["log", None])
ROWS += [
    # Targets.
    (
        "target -1",
        _run(targets=np.array([2, -1, 3])),
        error("targets", match="targets.*-1"),
    ),
    ("float targets", _run(targets=np.array([2.0, 1.5, 3.0])), error("targets")),
    ("float target rows", _run(targets=[[2.7], [1], [3]]), error("targets")),
    ("bool targets", _run(targets=np.array([True, False, True])), error("targets")),
    ("string targets", _run(targets=[["2"], ["1"], ["3"]]), error("targets")),
    ("too few target rows", _run(targets=np.array([2, 1])), error("targets")),
    (
        "NaN in sparse targets",
        _run(targets=sp.csr_matrix(np.array([[0, 0, np.nan, 0, 0, 0]] * 3))),
        error("targets"),
    ),
    (
        "negative sparse targets",
        _run(targets=sp.csr_matrix(np.array([[0, 0, -1.0, 0, 0, 0]] * 3))),
        error("targets"),
    ),
    (
        "sparse targets of 2 rows",
        _run(targets=sp.csr_matrix(np.eye(2, 6))),
        error("targets"),
    ),
    (
        "no target at all",
        _run(targets=[[], [], []]),
        error("targets", match="No user has a target"),
    ),
    (
        "only target 0",
        _run(targets=np.array([0, 0, 0])),
        error("targets", match="No user has a target"),
    ),
    # Exclusions.
    ("exclude past the table", _run(exclude=[[7], [], []]), error("exclude")),
    ("exclude -2", _run(exclude=[[-2], [], []]), error("exclude")),
    ("exclude floats", _run(exclude=[[1.5], [], []]), error("exclude")),
    # Queries.
    ("empty queries", _run(queries=np.arange(0), targets=[]), error("queries")),
    ("ragged list queries", _run(queries=[[1], [1, 2], [3]]), error("queries")),
    ("queries a scalar", _run(queries=3), error("queries")),
    ("queries an empty dict", _run(queries={}), error("queries")),
    (
        "dict queries of two lengths",
        _run(queries={"a": np.arange(3), "b": np.arange(2)}),
        error("queries"),
    ),
    # Scorers.
    (
        "scorer 1-D",
        _run(scorer=lambda u: np.zeros(len(u))),
        error("scorer", match="shape"),
    ),
    (
        "scorer too narrow",
        _run(scorer=lambda u: np.zeros((len(u), 4)), num_items=6),
        error("scorer", match=r"\(3, 4\).*\(3, 6\)"),
    ),
    (
        "scorer too many rows",
        _run(scorer=lambda u: np.zeros((len(u) + 1, 6))),
        error("scorer", match="shape"),
    ),
    ("scorer NaN", _run(scorer=lambda u: np.full((len(u), 6), np.nan)), error("NaN")),
    (
        "scorer strings",
        _run(scorer=lambda u: np.full((len(u), 6), "a")),
        error("scorer", match="numeric"),
    ),
    ("k past the items", _run(ks=(7,)), error("ks")),
    # Sampled protocol.
    (
        "candidate -1",
        _run(candidates=np.array([[2, -1, 5], [3, 1, 4], [3, 4, 2]])),
        error("candidates"),
    ),
    (
        "candidate past the table",
        _run(candidates=np.array([[2, 6, 5], [3, 1, 4], [3, 4, 2]]), num_items=6),
        error("candidates"),
    ),
    (
        "target not a candidate",
        _run(candidates=np.array([[3, 1, 5], [3, 1, 4], [3, 4, 2]])),
        error("candidates", match="user row 0.*\\[2\\]"),
    ),
    ("candidates 1-D", _run(candidates=np.array([2, 1, 3])), error("candidates")),
    ("candidates of 2 users", _run(candidates=CANDIDATES[:2]), error("candidates")),
    (
        "float candidates",
        _run(candidates=CANDIDATES.astype(float)),
        error("candidates"),
    ),
    (
        "one-argument scorer narrower than a candidate",
        _run(
            candidates=np.array([[2, 1, 9], [3, 1, 4], [3, 4, 2]]),
            targets=np.array([9, 1, 3]),
        ),
        error("candidates", match="scores for 6 items"),
    ),
    (
        "pair scorer of the wrong width",
        _run(scorer=lambda q, c: np.zeros((len(q), 2)), candidates=CANDIDATES),
        error("scorer", match=r"\(3, 2\).*\(3, 3\)"),
    ),
    (
        "pair scorer, full catalog, no num_items",
        _run(scorer=lambda q, c: np.zeros(c.shape)),
        error("num_items"),
    ),
    # Documented values.
    ("full catalog", _run(), _ref()),
    (
        "ks as an int",
        _run(ks=3),
        value(lambda: {k: v for k, v in _reference(SCORES, TARGETS, ks=(3,)).items()}),
    ),
    (
        "target 0 left out and counted",
        _run(targets=np.array([2, 0, 3])),
        _ref(targets=np.array([2, 0, 3]), extra={"num_unknown_targets": 1}),
    ),
    (
        "target past the table counted",
        _run(targets=[[2, 6], [1], [3]]),
        _ref(targets=[[2], [1], [3]], extra={"num_unknown_targets": 1}),
    ),
    (
        "exclude a target keeps it",
        _run(exclude=[[2, 3], [2], []]),
        _ref(exclude=[[2, 3], [2], []]),
    ),
    ("exclude column 0 again", _run(exclude=[[0], [0], [0]]), _ref()),
    (
        "sparse targets",
        _run(
            targets=sp.csr_matrix((np.ones(3), (np.arange(3), TARGETS)), shape=(3, 6))
        ),
        _ref(),
    ),
    (
        "sparse targets, stored zeros",
        _run(
            targets=sp.csr_matrix(
                (np.array([1.0, 0.0, 1.0, 0.0]), ([0, 1, 2, 2], [2, 1, 3, 5])),
                shape=(3, 6),
            )
        ),
        _ref(targets=[[2], [], [3]]),
    ),
    (
        "sparse targets, graded values",
        _run(
            targets=sp.csr_matrix(
                (np.array([5.0, 2.0, 0.5]), (np.arange(3), TARGETS)), shape=(3, 6)
            )
        ),
        _ref(),
    ),
    (
        "float64 scores",
        _run(scorer=lambda u: SCORES[np.asarray(u) % 3].astype("float64")),
        _ref(),
    ),
    ("float64 near-ties", *_item_2_on_top([0, 1.0, 1.0 + 1e-12, 0, 0, 0])),
    (
        "int scores",
        _run(scorer=lambda u: SCORES[np.asarray(u) % 3].astype("int64")),
        _ref(),
    ),
    ("int scores past 2**24", *_item_2_on_top([0, 2**24, 2**24 + 1, 0, 0, 0])),
    (
        "float16 scores",
        _run(scorer=lambda u: SCORES[np.asarray(u) % 3].astype("float16")),
        _ref(),
    ),
    (
        "bool scores",
        _run(scorer=lambda u: SCORES[np.asarray(u) % 3] > 2),
        value(lambda: _reference((SCORES > 2).astype("float32"), TARGETS)),
    ),
    ("list queries", _run(queries=[0, 1, 2]), _ref()),
    ("batch_size 2 pads the last batch", _run(batch_size=2), _ref()),
    ("batch_size 1", _run(batch_size=1), _ref()),
    (
        "k equal to the table",
        _run(ks=(6,)),
        value(lambda: _reference(SCORES, TARGETS, ks=(6,))),
    ),
    (
        "sampled, one-argument scorer",
        _run(candidates=CANDIDATES),
        _ref(candidates=CANDIDATES),
    ),
    (
        "sampled, pair scorer",
        _run(
            scorer=lambda q, c: np.take_along_axis(SCORES[q % 3], c, 1),
            candidates=CANDIDATES,
        ),
        _ref(candidates=CANDIDATES),
    ),
    (
        "sampled, repeated candidate",
        _run(candidates=np.array([[2, 2, 5], [3, 1, 4], [3, 4, 2]])),
        _ref(candidates=np.array([[2, 2, 5], [3, 1, 4], [3, 4, 2]])),
    ),
    (
        "sampled, candidate 0",
        _run(candidates=np.array([[2, 0, 5], [0, 1, 4], [3, 4, 2]])),
        _ref(candidates=np.array([[2, 0, 5], [0, 1, 4], [3, 4, 2]])),
    ),
    (
        "unknown users left out",
        _run(
            queries=np.array([0, 7, 2]),
            unknown_id=7,
            scorer=lambda u: SCORES[np.asarray(u) % 7 % 3],
        ),
        _ref(targets=[[2], [], [3]], extra={"num_unknown_users": 1}),
    ),
]


@pytest.mark.parametrize("probe", params("evaluate_topk", ROWS))
def test_evaluate_topk(probe):
    check(probe)
