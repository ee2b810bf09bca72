"""Poisson sampling and padding shared by the private data pipelines."""

import numpy as np

from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_probability


def check_sampling(sampling_probability, steps_per_epoch, pad_to_multiple_of, n):
    q = check_probability("sampling_probability", sampling_probability, True)
    if steps_per_epoch is None:
        steps_per_epoch = max(1, round(1.0 / q))
    steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
    pad = check_positive_int("pad_to_multiple_of", pad_to_multiple_of)
    if n < 1:
        raise ValueError("There must be at least one example (or user) to sample.")
    return q, steps_per_epoch, pad


def step_rng(seed, epoch, index):
    """A generator for one step, independent of the order steps are read in
    (PyDataset workers may read them in any order)."""
    return np.random.default_rng([seed, epoch, index])


def poisson_sample(rng, n, q):
    """Indices of the examples drawn, each independently with probability q."""
    return np.flatnonzero(rng.random(n) < q)


def padded_length(count, multiple):
    return max(multiple, -(-count // multiple) * multiple)


def take_rows(data, rows, length):
    """`data[rows]` (numpy array, dict of arrays, or scipy sparse matrix,
    densified) padded with zeros to `length` rows."""
    if isinstance(data, dict):
        return {k: take_rows(v, rows, length) for k, v in data.items()}
    if hasattr(data, "tocsr"):
        part = data[rows].toarray()
    else:
        part = np.asarray(data)[rows]
    out = np.zeros((length,) + part.shape[1:], dtype=part.dtype)
    out[: len(part)] = part
    return out


def num_rows(data):
    if isinstance(data, dict):
        lengths = {len_of(v) for v in data.values()}
        if len(lengths) != 1:
            raise ValueError(
                f"All inputs must have the same number of rows. Received: {lengths}"
            )
        return lengths.pop()
    return len_of(data)


def len_of(data):
    return data.shape[0] if hasattr(data, "shape") else len(data)
