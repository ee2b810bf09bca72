import gzip

import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent

ROWS = [(1, 10, 5.0, 978300760), (2, 20, 3.0, 978302109)]
NAMES = ["user_id", "item_id", "rating", "timestamp"]


def expected():
    return pd.DataFrame(ROWS, columns=NAMES)


@pytest.mark.parametrize(
    "sep,header,suffix",
    [
        ("::", False, ".dat"),
        ("\t", False, ".tsv"),
        (",", True, ".csv"),
        ("|", False, ".txt"),
    ],
)
@pytest.mark.parametrize("gz", [False, True])
def test_formats(tmp_path, sep, header, suffix, gz):
    lines = [sep.join(str(v) for v in row) for row in ROWS]
    if header:
        lines.insert(0, sep.join(NAMES))
    text = "\n".join(lines) + "\n"
    path = tmp_path / ("log" + suffix + (".gz" if gz else ""))
    if gz:
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        path.write_text(text)
    df = keras_recsys.data.read_interactions(path, names=None if header else NAMES)
    pd.testing.assert_frame_equal(df, expected(), check_dtype=False)


def test_rename_columns(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("userId,movieId,rating\n1,2,3.5\n")
    df = keras_recsys.data.read_interactions(
        path, columns={"userId": "user_id", "movieId": "item_id"}
    )
    assert df.columns.tolist() == ["user_id", "item_id", "rating"]


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.csv"):
        keras_recsys.data.read_interactions(tmp_path / "nothing.csv")
    path = tmp_path / "ratings.csv"
    path.write_text("userId,movieId\n1,2\n")
    with pytest.raises(ValueError, match=r"no column\(s\) \['user_id', 'item_id'\]"):
        keras_recsys.data.read_interactions(path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty"):
        keras_recsys.data.read_interactions(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("user_id,item_id\n")
    with pytest.raises(ValueError, match="no rows"):
        keras_recsys.data.read_interactions(header_only)
