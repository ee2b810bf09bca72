import dataclasses

import pandas as pd


@dataclasses.dataclass
class MovieLensData:
    """One MovieLens variant as DataFrames, returned by `load_movielens`.

    Attributes:
        ratings: DataFrame with columns `user_id`, `item_id` (the raw MovieLens
            ids), `rating` (float32) and `timestamp` (float64 Unix seconds;
            NaN where unknown).
        items: DataFrame with `item_id`, `title` and `genres` (a list of genre
            names per item), or None.
        users: DataFrame of user demographics (`user_id`, `age`, `gender`,
            `occupation`, `zip_code`) for the variants that have them, else
            None.
        variant: str. The variant name, e.g. `"ml-100k"`.
        path: str. The folder the files were read from.

    Example:

    ```python
    import pandas as pd
    import keras_recsys

    data = keras_recsys.data.MovieLensData(
        ratings=pd.DataFrame({"user_id": [1], "item_id": [1], "rating": [4.0],
                              "timestamp": [0.0]}),
        items=None, users=None, variant="custom", path=".",
    )
    ```
    """

    ratings: pd.DataFrame
    items: pd.DataFrame | None
    users: pd.DataFrame | None
    variant: str
    path: str

    def __repr__(self):
        def shape(df):
            return None if df is None else df.shape

        return (
            f"MovieLensData(variant={self.variant!r}, ratings={shape(self.ratings)}, "
            f"items={shape(self.items)}, users={shape(self.users)}, "
            f"path={self.path!r})"
        )
