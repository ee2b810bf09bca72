"""Small interaction frames shared by the data-tool probe tables."""

import numpy as np
import pandas as pd


def ratings():
    return pd.DataFrame(
        {
            "user_id": np.array([1, 1, 2, 2, 3, 3], "int64"),
            "item_id": np.array([1, 2, 2, 3, 1, 3], "int64"),
            "rating": np.array([5.0, 3.0, 4.0, 1.0, 2.0, 4.5]),
            "timestamp": np.array([10, 20, 15, 30, 5, 40], "int64"),
        }
    )


def with_column(name, values, frame=None):
    frame = ratings() if frame is None else frame
    frame = frame.copy()
    frame[name] = values
    return frame
