import numpy as np
import pandas as pd

from keras_recsys.data._utils import check_frame
from keras_recsys.data._utils import check_ratios
from keras_recsys.data._utils import rng_from


def random_split(
    df: pd.DataFrame, ratios=(0.8, 0.1, 0.1), seed=None
) -> tuple[pd.DataFrame, ...]:
    """Splits rows at random into parts of the given sizes.

    Part `k` gets the rows whose shuffled position falls in
    `[round(n * sum(ratios[:k])), round(n * sum(ratios[:k+1])))`, so the parts
    partition `df` exactly.

    Args:
        df: DataFrame. Not modified.
        ratios: sequence of fractions summing to 1, e.g. `(0.8, 0.2)` or
            `(0.8, 0.1, 0.1)`. Defaults to `(0.8, 0.1, 0.1)`.
        seed: int or None. Same seed, same split. Defaults to None.

    Returns:
        A tuple of `len(ratios)` DataFrames, each in input order with the
        input's index.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    df = pd.DataFrame({"user_id": range(10), "item_id": range(10)})
    train, test = keras_recsys.data.random_split(df, (0.8, 0.2), seed=0)
    ```
    """
    check_frame(df, (), "df")
    parts = check_ratios(ratios)
    n = len(df)
    bounds = np.round(np.cumsum(np.r_[0.0, parts]) * n).astype("int64")
    bounds[-1] = n
    perm = rng_from(seed).permutation(n)
    return tuple(
        df.iloc[np.sort(perm[bounds[k] : bounds[k + 1]])].copy()
        for k in range(parts.size)
    )
