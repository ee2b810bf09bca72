"""Regressions for the data-tool defects of issue #13, one test per defect.

Each test feeds the hostile input that once gave a silently wrong answer (or a
deep pandas error) and checks for the documented result or a clear error
naming the argument.
"""

import gzip

import numpy as np
import pandas as pd
import pytest

import keras_recsys
from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent

GENRES = np.array([[1, 0], [0, 1], [1, 1]], dtype="float32")
SECONDS = [0, 3600 * 5 + 60, 86400 * 4 + 3600 * 23]  # Thu 00:00, 05:01, Mon 23:00


def _features(times):
    df = pd.DataFrame({"user_id": [0, 0, 0], "item_id": [0, 1, 2], "timestamp": times})
    return krd.interaction_features(df, GENRES, num_users=1)


def _reference_time_features(seconds):
    # Plain calendar arithmetic with the standard library, in UTC.
    import datetime

    out = {"hour": [], "day_of_week": [], "time_since_previous": []}
    previous = None
    for s in seconds:
        t = datetime.datetime.fromtimestamp(s, tz=datetime.timezone.utc)
        out["hour"].append(t.hour)
        out["day_of_week"].append(t.weekday())
        out["time_since_previous"].append(
            0.0 if previous is None else np.log1p(s - previous)
        )
        previous = s
    return out


@pytest.mark.parametrize("kind", ["seconds", "datetime64", "tz_aware", "tz_other"])
def test_interaction_features_same_instants_same_features(kind):
    stamps = pd.to_datetime(SECONDS, unit="s")
    times = {
        "seconds": SECONDS,
        "datetime64": stamps,
        "tz_aware": stamps.tz_localize("UTC"),
        "tz_other": stamps.tz_localize("UTC").tz_convert("Asia/Tokyo"),
    }[kind]
    feats = _features(times)
    expected = _reference_time_features(SECONDS)
    np.testing.assert_array_equal(feats["hour"], expected["hour"])
    np.testing.assert_array_equal(feats["day_of_week"], expected["day_of_week"])
    np.testing.assert_allclose(
        feats["time_since_previous"], expected["time_since_previous"], rtol=1e-6
    )


def test_interaction_features_string_timestamps_are_rejected():
    with pytest.raises(ValueError, match="'timestamp'.*to_datetime"):
        _features(["2020-01-01", "2020-01-02", "2020-01-03"])


def test_interaction_features_nan_genres_are_rejected():
    genres = GENRES.copy()
    genres[1, 0] = np.nan
    df = pd.DataFrame({"user_id": [0], "item_id": [0], "timestamp": [0]})
    with pytest.raises(ValueError, match="item_genres.*row 1"):
        krd.interaction_features(df, genres, num_users=1)


@pytest.mark.parametrize("value", [np.nan, float("inf"), "4"])
def test_binarize_threshold_must_be_a_finite_number(value):
    df = pd.DataFrame({"user_id": [0, 1], "item_id": [0, 1], "rating": [5.0, 1.0]})
    with pytest.raises((ValueError, TypeError), match="threshold"):
        krd.binarize(df, threshold=value)


def test_remove_outliers_nan_threshold_is_rejected():
    df = pd.DataFrame({"user_id": [0, 1, 2], "rating": [1.0, 2.0, 50.0]})
    for method in ("iqr", "zscore"):
        with pytest.raises(ValueError, match="threshold"):
            krd.remove_outliers(df, column="rating", method=method, threshold=np.nan)


def test_fill_missing_zero_refuses_a_string_column():
    df = pd.DataFrame({"user_id": [1, 2], "genre": ["a", None]})
    with pytest.raises(ValueError, match="numeric column; column 'genre'"):
        krd.fill_missing(df, {"genre": "zero"})
    assert df["genre"].isna().sum() == 1  # the caller's frame is unchanged


def test_interaction_matrix_numeric_string_ids_are_raw_ids():
    df = pd.DataFrame({"user_id": ["1", "2"], "item_id": [0, 1]})
    with pytest.raises(ValueError, match="IdEncoder"):
        krd.interaction_matrix(df, num_users=3, num_items=2)


def test_sample_negatives_unencoded_raw_id_is_rejected_not_allocated():
    with pytest.raises(ValueError, match="IdEncoder"):
        krd.sample_negatives(
            np.array([10**12]),
            pd.DataFrame({"user_id": [10**12], "item_id": [1]}),
            num_items=10,
            num_negatives=2,
            seed=0,
        )


def test_triplet_dataset_unencoded_raw_id_is_rejected_not_allocated():
    with pytest.raises(ValueError, match="IdEncoder"):
        krd.TripletDataset(
            np.array([0, 10**12]), np.array([1, 2]), num_items=10, num_negatives=1
        )


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_sample_negatives_seed_is_validated(seed):
    df = pd.DataFrame({"user_id": [0], "item_id": [1]})
    with pytest.raises((ValueError, TypeError), match="seed"):
        krd.sample_negatives(
            np.array([0]), df, num_items=10, num_negatives=2, seed=seed
        )


@pytest.mark.parametrize("power", [np.nan, float("inf"), "1"])
def test_sample_negatives_popularity_power_is_validated(power):
    df = pd.DataFrame({"user_id": [0], "item_id": [1]})
    with pytest.raises((ValueError, TypeError), match="popularity_power"):
        krd.sample_negatives(
            np.array([0]),
            df,
            num_items=10,
            num_negatives=2,
            strategy="popularity",
            popularity_power=power,
        )


def _popularity_draws(users, positives, counts, power):
    """One popularity-weighted negative per user row, `num_items = len(counts)`."""
    return krd.sample_negatives(
        users,
        positives,
        num_items=len(counts),
        num_negatives=1,
        strategy="popularity",
        item_counts=counts,
        popularity_power=power,
        seed=0,
    ).reshape(-1)


def test_sample_negatives_popularity_power_shapes_the_distribution():
    # Item 1 is 9x as popular as item 2; with power p it is drawn 9**p as often.
    users = np.zeros(9 + 1, dtype="int64")
    positives = pd.DataFrame({"user_id": [1] * 9 + [2], "item_id": [1] * 9 + [2]})
    counts = np.array([0, 9, 1, 0], dtype="float64")
    for power in (0.5, 2.0):
        draws = _popularity_draws(np.repeat(users, 4000), positives, counts, power)
        ratio = np.mean(draws == 1) / np.mean(draws == 2)
        assert abs(np.log(ratio) - power * np.log(9)) < 0.1, (power, ratio)


def test_read_interactions_reads_latin1_without_being_told(tmp_path):
    path = tmp_path / "u.item"
    path.write_bytes("1|Café au lait (1999)|x\n2|Señor (2000)|y\n".encode("latin-1"))
    df = krd.read_interactions(
        path, sep="|", names=["item_id", "title", "url"], required=()
    )
    assert df["title"].tolist() == ["Café au lait (1999)", "Señor (2000)"]


def test_read_interactions_garbage_names_the_file(tmp_path):
    path = tmp_path / "ratings.dat"
    path.write_bytes(gzip.compress(b"1,2,3\n4,5,6,7,8,9\n\x00\x01"))
    with pytest.raises(ValueError, match="ratings.dat"):
        krd.read_interactions(path, sep=",", names=["user_id", "item_id", "rating"])


def _ml100k_copy(source, target, keep_lines=None, tail=b""):
    target.mkdir()
    lines = (source / "u.data").read_bytes().splitlines(keepends=True)
    if keep_lines is not None:
        lines = lines[:keep_lines]
    (target / "u.data").write_bytes(b"".join(lines) + tail)
    (target / "u.info").write_bytes((source / "u.info").read_bytes())
    return target


def test_load_movielens_truncated_local_file_is_an_error(ml100k_dir, tmp_path):
    folder = _ml100k_copy(ml100k_dir, tmp_path / "ml-100k", keep_lines=50_000)
    with pytest.raises(ValueError, match="50,000 ratings.*states 100,000"):
        krd.load_movielens("ml-100k", data_dir=folder, download=False)


def test_load_movielens_partial_last_line_is_an_error(ml100k_dir, tmp_path):
    folder = _ml100k_copy(ml100k_dir, tmp_path / "ml-100k", tail=b"196\t242")
    with pytest.raises(ValueError, match=r"u\.data is corrupted.*row 100001"):
        krd.load_movielens("ml-100k", data_dir=folder, download=False)


def test_load_movielens_garbage_names_the_file(tmp_path):
    folder = tmp_path / "ml-100k"
    folder.mkdir()
    (folder / "u.data").write_bytes(b"\x89PNG\r\n\x1a\n garbage \xff\xfe\n")
    with pytest.raises(ValueError, match="u.data"):
        krd.load_movielens("ml-100k", data_dir=folder, download=False)


def test_load_movielens_intact_copy_still_loads(ml100k_dir, tmp_path):
    folder = _ml100k_copy(ml100k_dir, tmp_path / "ml-100k")
    data = keras_recsys.data.load_movielens("ml-100k", data_dir=folder, download=False)
    assert len(data.ratings) == 100_000


@pytest.mark.parametrize(
    "settings", [{"workers": 2}, {"workers": 1, "use_multiprocessing": True}]
)
@pytest.mark.parametrize("name", ["TripletDataset", "SequenceDataset", "Matrix"])
def test_datasets_refuse_the_prefetching_enqueuer(name, settings):
    # With Keras's enqueuer, JAX and PyTorch trained on batches of another
    # epoch (results depended on `workers`); now it is a clear error.
    import scipy.sparse as sp

    make = {
        "TripletDataset": lambda: krd.TripletDataset(
            np.array([0, 1]), np.array([1, 2]), num_items=5, **settings
        ),
        "SequenceDataset": lambda: krd.SequenceDataset(
            np.array([[0, 1, 2], [1, 2, 3]]), np.array([3, 4]), **settings
        ),
        "Matrix": lambda: krd.InteractionMatrixDataset(
            sp.csr_matrix(np.eye(3, dtype="float32")), **settings
        ),
    }[name]
    with pytest.raises(ValueError, match="workers=1 and use_multiprocessing"):
        make()


@pytest.mark.parametrize(
    "values",
    [[1, "a", 2], np.array([1, "a", 2], dtype=object), [True, 1, 2], ["1", 2]],
)
def test_id_encoder_mixed_id_types_are_refused(values):
    # Once [1, "a", 2] gave [0, 3, 0] (list stringified, then looked up).
    with pytest.raises(TypeError, match="`values` mixes ids of different types"):
        krd.IdEncoder().fit_transform(values)


def test_id_encoder_ids_of_another_type_than_the_vocabulary_are_refused():
    encoder = krd.IdEncoder().fit([10, 20, 30])
    with pytest.raises(TypeError, match="string ids but the vocabulary holds numeric"):
        encoder.transform(["10", "20"])
    # Numbers compare exactly across int and float: 20.0 is id 20, 20.5 unknown.
    np.testing.assert_array_equal(encoder.transform([20.0, 20.5, 30]), [2, 0, 3])


def test_id_encoder_ints_and_floats_together_stay_exact():
    big = 2**60 + 1  # not a float64
    encoder = krd.IdEncoder().fit([big, 1.5, big])
    assert encoder.vocabulary.tolist() == [1.5, big]
    np.testing.assert_array_equal(encoder.transform([big, 2**60]), [2, 0])


def _tiny_zip(path, u_data="1\t10\t4\t881250949\n2\t20\t5\t891717742\n"):
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ml-100k/u.data", u_data)
        z.writestr("ml-100k/u.info", f"{u_data.count(chr(10))} ratings\n")
    return path


def _cache_files(cache):
    return sorted(p.name for p in cache.rglob("*")) if cache.exists() else []


def test_load_movielens_wrong_checksum_leaves_no_half_written_cache(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("KERAS_RECSYS_DATA", raising=False)
    archive = _tiny_zip(tmp_path / "ml-100k.zip")
    cache = tmp_path / "cache"
    with pytest.raises(
        ValueError, match=r"ml-100k_archive failed its sha256 check.*deleted"
    ):
        krd.load_movielens(
            "ml-100k", cache_dir=cache, url=archive.as_uri(), sha256="0" * 64
        )
    # Once the archive stayed in the cache; only the empty folder remains.
    assert _cache_files(cache) == ["datasets"]


def test_load_movielens_garbage_archive_is_an_error_and_leaves_nothing(
    tmp_path, monkeypatch
):
    import hashlib

    monkeypatch.delenv("KERAS_RECSYS_DATA", raising=False)
    archive = tmp_path / "ml-100k.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip archive" * 10)
    cache = tmp_path / "cache"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with pytest.raises(ValueError, match="ml-100k_archive.*not a readable zip"):
        krd.load_movielens(
            "ml-100k", cache_dir=cache, url=archive.as_uri(), sha256=digest
        )
    assert _cache_files(cache) == ["datasets"]


def test_load_movielens_truncated_archive_member_is_an_error(tmp_path, monkeypatch):
    # A whole, verified archive whose u.data lost its last line: u.info says so.
    import hashlib

    monkeypatch.delenv("KERAS_RECSYS_DATA", raising=False)
    lines = "1\t10\t4\t881250949\n2\t20\t5\t891717742\n3\t30\t1\t878887116\n"
    archive = _tiny_zip(tmp_path / "ml-100k.zip", lines)
    import zipfile

    truncated = tmp_path / "truncated.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(truncated, "w") as dst:
        dst.writestr("ml-100k/u.info", src.read("ml-100k/u.info"))
        dst.writestr("ml-100k/u.data", src.read("ml-100k/u.data")[:-20])
    digest = hashlib.sha256(truncated.read_bytes()).hexdigest()
    with pytest.raises(ValueError, match=r"u\.data"):
        krd.load_movielens(
            "ml-100k", cache_dir=tmp_path / "c", url=truncated.as_uri(), sha256=digest
        )


@pytest.mark.parametrize("power", [0.5, 1.5, 2.0])
def test_sample_negatives_draw_frequencies_follow_popularity_power(power):
    # Plain numpy reference of the documented rule: item i is drawn with
    # probability c_i**p / sum; an unseen item keeps 1e-3 of the smallest
    # weight.
    counts = np.array([0, 1, 2, 4, 8, 16], dtype="float64")
    seen = counts[counts > 0] ** power
    reference = np.where(counts > 0, counts**power, 1e-3 * seen.min())
    reference /= reference.sum()
    draws = _popularity_draws(
        np.zeros(20_000, dtype="int64"),
        pd.DataFrame({"user_id": [1], "item_id": [5]}),  # user 0 has none
        counts,
        power,
    )
    freq = np.bincount(draws, minlength=6) / draws.size
    sigma = np.sqrt(reference * (1 - reference) / draws.size)
    assert np.all(np.abs(freq - reference) <= 5 * sigma + 1e-12), (freq, reference)
