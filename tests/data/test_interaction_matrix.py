import copy

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_binary_and_valued():
    df = pd.DataFrame(
        {
            "user_id": [0, 0, 2, 0],
            "item_id": [1, 3, 1, 1],
            "rating": [2.0, 3.0, 4.0, 5.0],
        }
    )
    before = copy.deepcopy(df)
    m = keras_recsys.data.interaction_matrix(df, num_users=3, num_items=4)
    pd.testing.assert_frame_equal(df, before)
    assert sp.isspmatrix_csr(m) and m.dtype == np.float32
    dense = np.zeros((3, 4))
    for u, i in zip(df.user_id, df.item_id):
        dense[u, i] = 1
    np.testing.assert_array_equal(m.toarray(), dense)
    m = keras_recsys.data.interaction_matrix(df, 3, 4, value_col="rating")
    dense = np.zeros((3, 4))
    for u, i, r in zip(df.user_id, df.item_id, df.rating):
        dense[u, i] += r
    np.testing.assert_array_equal(m.toarray(), dense)


def test_out_of_range():
    df = pd.DataFrame({"user_id": [0], "item_id": [4]})
    with pytest.raises(ValueError, match=r"id 4 outside the valid range \[0, 3\]"):
        keras_recsys.data.interaction_matrix(df, 1, 4)
    with pytest.raises(ValueError, match="NaN"):
        keras_recsys.data.interaction_matrix(
            pd.DataFrame({"user_id": [0.0], "item_id": [np.nan]}), 1, 4
        )
