"""Random top-k problems for the evaluation tests: scores, targets, exclusions."""

import numpy as np


def ranking_problem(seed=0, users=37, items=25):
    """Scores with ties over item codes `0..items-1` (code 0 reserved), and
    per user sorted target and excluded codes from `1..items-1`."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(users, items)).astype("float32")  # ties
    targets, exclude = [], []
    for u in range(users):
        perm = 1 + rng.permutation(items - 1)  # item codes 1..items-1
        # Some users have no target; the last one has (so that a padded last
        # batch, made of copies of it, would show if padded rows counted).
        n_t = 0 if u % 9 == 1 else rng.integers(1, 4)
        n_e = rng.integers(0, 6)
        targets.append(np.sort(perm[:n_t]))
        exclude.append(np.sort(perm[n_t : n_t + n_e]))
    # An excluded item that is also a target stays a target.
    exclude[0] = np.concatenate([exclude[0], targets[0][:1]])
    assert len(targets[0]) and len(targets[-1])
    return scores, targets, exclude
