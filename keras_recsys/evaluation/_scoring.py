"""How `evaluate_topk` calls a scorer and reads what it returns (not public)."""

import inspect

import keras
import numpy as np

from keras_recsys.utils import backend_utils


def takes_candidates(scorer):
    """Whether `scorer` is called as `scorer(queries, candidates)`."""
    if getattr(scorer, "takes_candidates", False):
        return True
    if isinstance(scorer, keras.Model):
        return False
    try:
        inspect.signature(scorer).bind(None, None)
        return True
    except (TypeError, ValueError):
        return False


def call_scorer(scorer, batch_queries):
    """The scorer's scores of `batch_queries` as exact numpy scores."""
    if isinstance(scorer, keras.Model):
        batch_queries = model_inputs(scorer, batch_queries)
        out = backend_utils.predict_on_batch(scorer, batch_queries)
    else:
        out = scorer(batch_queries)
    return exact_scores(np.asarray(keras.ops.convert_to_numpy(out)))


def model_inputs(model, queries):
    """`queries` shaped like the model's inputs where only the wrapping differs.

    A one-key dict `{name: array}` for a model built from a single
    `keras.Input` named `name` becomes the bare array: Keras would accept the
    dict but warn that "the structure of `inputs` doesn't match".
    """
    try:
        expected = model.input
    except (AttributeError, ValueError):  # a subclassed model not yet called
        return queries
    if (
        isinstance(queries, dict)
        and len(queries) == 1
        and isinstance(expected, keras.KerasTensor)
        and expected.name in queries
    ):
        return queries[expected.name]
    return queries


def exact_scores(scores):
    """Scores in a dtype the ranking holds exactly (order and ties unchanged).

    float32 and float64 are kept (a cast to float32 could create ties the
    metric classes would not see); half floats, bools and small ints widen to
    float32 exactly, larger ints to float64. Where the backend computes
    without float64 (JAX without x64), float64 rows are replaced by their
    dense ranks as float32, which keeps every order and every tie.
    """
    if scores.dtype == bool or scores.dtype.kind not in "biuf":
        if scores.dtype != bool:
            raise TypeError(
                f"The scorer must return numeric scores. Received dtype {scores.dtype}"
            )
        return scores.astype("float32")
    if scores.dtype.kind in "iu":
        small = scores.size == 0 or np.abs(scores).max() <= 2**24
        scores = scores.astype("float32" if small else "float64")
    elif scores.dtype not in (np.float32, np.float64):
        scores = scores.astype("float32")
    if scores.dtype == np.float64 and not backend_utils.float64_supported():
        scores = dense_ranks(scores)
    return scores


def dense_ranks(scores):
    """Per row, the rank of each value among the row's distinct values."""
    if scores.ndim != 2 or scores.shape[1] >= 2**24:
        return scores  # the shape check reports it; ranks past 2**24 are inexact
    order = np.argsort(scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    runs = np.zeros(scores.shape, "float32")
    # NaN compares unequal to itself: each NaN is a run of its own (the NaN
    # check then sees them).
    runs[:, 1:] = np.cumsum(ordered[:, 1:] != ordered[:, :-1], axis=1)
    runs[np.isnan(ordered)] = np.nan
    ranks = np.empty_like(runs)
    np.put_along_axis(ranks, order, runs, axis=1)
    return ranks


def check_width(scores, batch, width, what):
    if (
        scores.ndim != 2
        or scores.shape[0] != batch
        or (width is not None and scores.shape[1] != width)
    ):
        expected = (batch, "num_items" if width is None else width)
        raise ValueError(
            f"The scorer returned scores of shape {scores.shape} for {batch} "
            f"users; expected {expected}, one column per item of {what}"
        )


def score_batch(scorer, pair_scorer, batch_queries, candidates, index, num_items):
    """The scores of one batch of users and the catalog size they reveal.

    Returns `(scores, num_items)`: `(len(index), n)` scores of the catalog, or
    of each row's `candidates[index]` when candidates are given (scored by a
    pair scorer, or gathered from the full catalog's scores). `num_items` is
    read off the first catalog scores when it was None.
    """
    if candidates is not None:
        batch_candidates = candidates[index]
        if pair_scorer:
            return call_scorer(
                lambda q, c=batch_candidates: scorer(q, c), batch_queries
            ), num_items
        full = call_scorer(scorer, batch_queries)
        check_width(full, len(index), num_items, "the catalog")
        if num_items is None:
            num_items = full.shape[1]
            if candidates.max(initial=0) >= num_items:
                raise ValueError(
                    f"`candidates` holds item id {candidates.max()}, but "
                    f"the scorer returned scores for {num_items} items "
                    f"(ids 0..{num_items - 1}); pass `num_items` or a "
                    "scorer that takes (queries, candidates)."
                )
        return np.take_along_axis(full, batch_candidates, axis=1), num_items
    if pair_scorer:
        all_items = np.broadcast_to(np.arange(num_items), (len(index), num_items))
        batch = call_scorer(lambda q, c=all_items: scorer(q, c), batch_queries)
    else:
        batch = call_scorer(scorer, batch_queries)
    if num_items is None:
        check_width(batch, len(index), None, "the catalog")
        num_items = batch.shape[1]
    return batch, num_items
