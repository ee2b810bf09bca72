import hashlib
import os
import pathlib
import warnings
import zipfile

import numpy as np
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_movielens_100k(ml100k_dir):
    data = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir)
    r = data.ratings
    assert r.columns.tolist() == ["user_id", "item_id", "rating", "timestamp"]
    assert len(r) == 100_000
    assert r["user_id"].nunique() == 943 and r["item_id"].nunique() == 1682
    # Rating histogram published in the team's README.
    counts = r["rating"].value_counts().sort_index().tolist()
    assert counts == [6110, 11370, 27145, 34174, 21201]
    assert len(data.items) == 1682 and len(data.users) == 943
    toy_story = data.items.set_index("item_id").loc[1]
    assert toy_story["title"] == "Toy Story (1995)"
    assert toy_story["genres"] == ["Animation", "Children's", "Comedy"]
    assert data.users.columns.tolist() == [
        "user_id",
        "age",
        "gender",
        "occupation",
        "zip_code",
    ]


def test_lookup_through_environment(ml100k_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_RECSYS_DATA", str(pathlib.Path(ml100k_dir).parent))
    data = keras_recsys.data.load_movielens(
        "ml-100k", download=False, cache_dir=tmp_path
    )
    assert pathlib.Path(data.path) == pathlib.Path(ml100k_dir)


def test_movielens_1m_reconstruction(ml1m_dir):
    if (pathlib.Path(ml1m_dir) / "ratings.dat").exists():
        pytest.skip("the original ratings.dat is present")
    with pytest.warns(UserWarning, match="reconstructed"):
        data = keras_recsys.data.load_movielens("ml-1m", data_dir=ml1m_dir)
    r = data.ratings
    assert len(r) == 1_000_209
    assert r["user_id"].nunique() == 6040 and r["item_id"].nunique() == 3706
    assert int(r["timestamp"].isna().sum()) == 80_584
    assert len(data.users) == 6040 and len(data.items) == 3883


def test_missing_data_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_RECSYS_DATA", str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError) as info:
        keras_recsys.data.load_movielens(
            "ml-100k", data_dir=tmp_path / "mine", download=False, cache_dir=tmp_path
        )
    message = str(info.value)
    assert str(tmp_path / "mine") in message
    assert str(tmp_path / "env" / "ml-100k") in message
    assert str(tmp_path / "datasets" / "ml-100k") in message
    assert "KERAS_RECSYS_DATA" in message and "data_dir" in message


def test_unknown_variant():
    with pytest.raises(ValueError, match="ml-10k"):
        keras_recsys.data.load_movielens("ml-10k")


def tiny_archive(folder):
    """A miniature ml-100k.zip (3 ratings) with the official layout."""
    path = folder / "ml-100k.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "ml-100k/u.data",
            "1\t10\t4\t881250949\n2\t10\t5\t891717742\n2\t20\t1\t878887116\n",
        )
        z.writestr("ml-100k/u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n")
    return path


def test_download_verifies_checksum(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_RECSYS_DATA", raising=False)
    archive = tiny_archive(tmp_path)
    url = archive.as_uri()  # file://, no network
    good = hashlib.sha256(archive.read_bytes()).hexdigest()
    bad = "0" * 64

    cache = tmp_path / "cache_bad"
    with pytest.raises(ValueError, match="sha256"):
        keras_recsys.data.load_movielens(
            "ml-100k", cache_dir=cache, url=url, sha256=bad
        )
    assert not (cache / "datasets" / "ml-100k" / "ml-100k" / "u.data").exists()

    cache = tmp_path / "cache_good"
    data = keras_recsys.data.load_movielens(
        "ml-100k", cache_dir=cache, url=url, sha256=good
    )
    assert data.ratings["rating"].tolist() == [4.0, 5.0, 1.0]
    assert data.users["gender"].tolist() == ["M", "F"] and data.items is None
    # The second call finds the extracted copy in the cache.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = keras_recsys.data.load_movielens(
            "ml-100k", cache_dir=cache, download=False
        )
    np.testing.assert_array_equal(again.ratings, data.ratings)


def test_known_checksums_are_sha256():
    from keras_recsys.data.load_movielens import _SHA256

    assert set(_SHA256) == {"ml-100k", "ml-1m", "ml-20m", "ml-latest-small"}
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in _SHA256.values())


@pytest.mark.skipif(
    not os.environ.get("KERAS_RECSYS_DATA"), reason="needs the team's ML-100K"
)
def test_official_checksum_rejects_a_different_archive(tmp_path, monkeypatch):
    # The real ml-100k sha256 is used when none is given: a look-alike fails.
    monkeypatch.delenv("KERAS_RECSYS_DATA", raising=False)
    archive = tiny_archive(tmp_path)
    with pytest.raises(ValueError, match="sha256"):
        keras_recsys.data.load_movielens(
            "ml-100k", cache_dir=tmp_path / "c", url=archive.as_uri()
        )


def test_csv_variants_layout(tmp_path):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n"
    )
    (folder / "movies.csv").write_text(
        "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
        '3,"American President, The (1995)",(no genres listed)\n'
    )
    data = keras_recsys.data.load_movielens("ml-latest-small", data_dir=tmp_path)
    assert data.ratings["rating"].tolist() == [4.0, 4.5]
    assert data.items["title"].tolist()[1] == "American President, The (1995)"
    assert data.items["genres"].tolist() == [["Adventure", "Animation"], []]
    assert data.users is None


def test_ml1m_original_layout(tmp_path):
    (tmp_path / "ratings.dat").write_text(
        "1::1193::5::978300760\n2::661::3::978302109\n"
    )
    (tmp_path / "movies.dat").write_bytes(
        "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n"
        "661::Caf\xe9 (1996)::Comedy|Romance\n".encode("latin-1")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = keras_recsys.data.load_movielens("ml-1m", data_dir=tmp_path)
    assert data.ratings["item_id"].tolist() == [1193, 661]
    assert data.ratings["timestamp"].tolist() == [978300760, 978302109]
    assert data.items["title"].tolist()[1] == "Caf\xe9 (1996)"
    assert data.items["genres"].tolist()[1] == ["Comedy", "Romance"]
