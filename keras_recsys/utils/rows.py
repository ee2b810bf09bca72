"""Row-wise numpy helpers shared by the data tools and evaluation."""

import numpy as np


def repeats_in_rows(block):
    """Bool mask of the entries equal to an earlier entry of their row.

    `block` is a 2-D array; the first copy of each value in a row is False,
    every later copy True.
    """
    n, m = block.shape
    if m <= 16:
        dup = np.zeros(block.shape, dtype=bool)
        for j in range(1, m):
            dup[:, j] = (block[:, :j] == block[:, j : j + 1]).any(axis=1)
        return dup
    order = np.argsort(block, axis=1, kind="stable")
    s = np.take_along_axis(block, order, axis=1)
    dup_sorted = np.zeros(s.shape, dtype=bool)
    dup_sorted[:, 1:] = s[:, 1:] == s[:, :-1]
    dup = np.zeros(s.shape, dtype=bool)
    np.put_along_axis(dup, order, dup_sorted, axis=1)
    return dup
