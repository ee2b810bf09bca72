import numpy as np
import pandas as pd

from keras_recsys.data._utils import per_id_statistics
from keras_recsys.data._utils import table_ids
from keras_recsys.utils.validation import check_int


def _genre_lists(values):
    out = []
    for v in values:
        if isinstance(v, str):
            out.append([g for g in v.split("|") if g])
        elif v is None or (isinstance(v, float) and np.isnan(v)):
            out.append([])
        else:
            out.append(list(v))
    return out


def item_features(
    interactions: pd.DataFrame,
    num_items: int,
    items: pd.DataFrame | None = None,
    genres_col: str = "genres",
    item_col: str = "item_id",
    rating_col: str | None = "rating",
) -> dict:
    """Per-item feature arrays indexed by item id, ready for an item tower.

    Row `i` of every array describes item `i` (integer ids in
    `[0, num_items)`, e.g. from `keras_recsys.data.IdEncoder`).

    Features:

    - `"popularity"`: float32 `log1p(number of interactions)`.
    - `"mean_rating"`: float32 mean of `rating_col` (0 when no ratings).
    - `"genres"`: float32 multi-hot (num_items, num_genres), from `items`'
      `genres_col` (lists of names or `|`-separated strings), and
      `"genre_names"`: the genre names in column order (sorted).

    Args:
        interactions: DataFrame with `item_col` (and `rating_col`).
            Not modified.
        num_items: int. Number of item ids (rows of each array).
        items: optional DataFrame with `item_col` holding the same integer
            ids and `genres_col`. Not modified.
        genres_col: str. Genre column of `items`. Defaults to `"genres"`.
        item_col: str. Item id column. Defaults to `"item_id"`.
        rating_col: str or None. Rating column for `"mean_rating"`
            (None: no such feature). Defaults to `"rating"`.

    Returns:
        A dict of numpy arrays.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    ratings = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 1],
                            "rating": [4.0, 2.0]})
    items = pd.DataFrame({"item_id": [1, 2],
                          "genres": [["Drama"], ["Comedy", "Drama"]]})
    feats = keras_recsys.data.item_features(ratings, num_items=3, items=items)
    feats["genres"]  # [[0, 0], [0, 1], [1, 1]] with genre_names [Comedy, Drama]
    ```
    """
    num_items = check_int("num_items", num_items, min_value=1)
    out = per_id_statistics(interactions, item_col, rating_col, num_items, "popularity")
    if items is not None:
        ids = table_ids(items, item_col, (genres_col,), num_items, "items")
        lists = _genre_lists(items[genres_col].tolist())
        names = sorted({g for row in lists for g in row})
        col_of = {g: j for j, g in enumerate(names)}
        multi_hot = np.zeros((num_items, len(names)), dtype="float32")
        rows = np.repeat(ids, [len(row) for row in lists])
        cols = np.array([col_of[g] for row in lists for g in row], dtype="int64")
        multi_hot[rows, cols] = 1.0
        out["genres"] = multi_hot
        out["genre_names"] = np.asarray(names, dtype=object)
    return out
