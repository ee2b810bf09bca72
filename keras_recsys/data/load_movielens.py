import os
import pathlib
import re
import shutil
import tempfile
import warnings
import zipfile

import numpy as np
import pandas as pd

from keras_recsys.data.movie_lens_data import MovieLensData
from keras_recsys.data.read_interactions import read_interactions

_BASE_URL = "https://files.grouplens.org/datasets/movielens/"

# sha256 of the official GroupLens archives, as recorded in
# tensorflow/datasets `tensorflow_datasets/url_checksums/movielens.txt`
# (which also gives the sizes: 4,924,029 / 5,917,549 / 198,702,078 / 978,202
# bytes). GroupLens revises ml-latest-small from time to time; this is the
# 2018 release TFDS recorded.
_SHA256 = {
    "ml-100k": "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
    "ml-1m": "a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20",
    "ml-20m": "96f243c338a8665f6bcc89c53edf6ee39162a846940de6b7c8c48aeada765ff3",
    "ml-latest-small": (
        "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"
    ),
}

# The file whose presence marks a folder as holding the variant.
_RATINGS_FILES = {
    "ml-100k": ("u.data",),
    "ml-1m": ("ratings.dat", "ratings.reconstructed.uirt.tsv.gz"),
    "ml-20m": ("ratings.csv",),
    "ml-latest-small": ("ratings.csv",),
}

_ML100K_GENRES = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy",
    "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror",
    "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
]  # fmt: skip

_RATING_COLUMNS = ["user_id", "item_id", "rating", "timestamp"]


def _keras_cache_dir(cache_dir):
    if cache_dir is not None:
        return pathlib.Path(cache_dir)
    home = os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))
    return pathlib.Path(os.path.expanduser(home))


def _holds(folder, variant):
    return any((folder / f).is_file() for f in _RATINGS_FILES[variant])


def _candidates(variant, data_dir, cache_dir):
    places = []
    if data_dir is not None:
        places += [pathlib.Path(data_dir), pathlib.Path(data_dir) / variant]
    env = os.environ.get("KERAS_RECSYS_DATA")
    if env:
        places.append(pathlib.Path(env) / variant)
    cache = _keras_cache_dir(cache_dir) / "datasets" / variant
    # keras.utils.get_file extracts `<variant>.zip` into `<variant>/`, and the
    # archive itself holds a `<variant>/` folder.
    places += [cache, cache / variant]
    return places


def _download(variant, cache_dir, url, sha256):
    """Downloads, verifies and extracts an archive; returns where it went.

    The archive is verified before anything is extracted, extracted into a
    temporary folder and moved into place only once whole, so a failed
    checksum or a corrupted archive leaves nothing in the cache: a later call
    downloads again instead of reading a half-written folder.
    """
    import keras

    origin = url or (_BASE_URL + f"{variant}.zip")
    file_hash = sha256 if sha256 is not None else _SHA256[variant]
    if cache_dir is not None:
        # get_file silently falls back to /tmp/.keras for a missing folder.
        os.makedirs(cache_dir, exist_ok=True)
    expected_path = _keras_cache_dir(cache_dir) / "datasets" / f"{variant}_archive"
    try:
        archive = keras.utils.get_file(
            fname=f"{variant}_archive",
            origin=origin,
            file_hash=file_hash,
            hash_algorithm="sha256",
            cache_dir=None if cache_dir is None else os.fspath(cache_dir),
        )
    except ValueError as e:
        expected_path.unlink(missing_ok=True)
        raise ValueError(
            f"The {variant} archive downloaded from {origin} to {expected_path} "
            f"failed its sha256 check ({e}); it was deleted. Retry, or provide "
            "the files with data_dir=... ."
        ) from e
    archive = pathlib.Path(archive)
    target = archive.parent / variant
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{variant}-", dir=archive.parent))
    try:
        with zipfile.ZipFile(archive) as z:
            z.extractall(staging)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        shutil.rmtree(staging, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise ValueError(
            f"The {variant} archive {archive} (from {origin}) is not a readable "
            f"zip archive ({e}); it was deleted. Retry, or provide the files "
            "with data_dir=... ."
        ) from e
    if target.exists():  # an earlier folder without the ratings file
        shutil.rmtree(target)
    os.replace(staging, target)
    return [target, target / variant]


# Where a variant's own files state its number of ratings.
_STATED_COUNT = {
    "ml-100k": ("u.info", r"(\d+) ratings"),
    "ml-1m": ("README", r"([\d,]+) anonymous ratings"),
}


def _check_ratings(df, path, folder, variant):
    """Rejects truncated or corrupted ratings instead of loading part of them.

    Every row must hold integer ids and a rating (a partial last line reads as
    NaN); the number of rows must equal the one the variant's own files state
    (`u.info`, the ml-1m README), when those files are present.
    """
    for col in ("user_id", "item_id", "rating"):
        values = pd.to_numeric(df[col], errors="coerce").to_numpy("float64")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size == 0 and col != "rating":
            bad = np.flatnonzero(values != np.round(values))
        if bad.size:
            raise ValueError(
                f"{path} is corrupted or truncated: column {col!r} of row "
                f"{int(bad[0]) + 1} is {df[col].iloc[bad[0]]!r} ({bad.size} bad "
                "row(s)). Replace the file with a fresh copy of the dataset."
            )
    stated = _STATED_COUNT.get(variant)
    if stated is None or not (folder / stated[0]).is_file():
        return
    text = (folder / stated[0]).read_text(encoding="latin-1")
    match = re.search(stated[1], text)
    if match and int(match.group(1).replace(",", "")) != len(df):
        raise ValueError(
            f"{path} holds {len(df):,} ratings but {folder / stated[0]} states "
            f"{int(match.group(1).replace(',', '')):,}: the file is truncated or "
            "corrupted. Replace it with a fresh copy of the dataset."
        )


def _ratings(df):
    out = df[_RATING_COLUMNS].copy()
    out["user_id"] = out["user_id"].astype("int64")
    out["item_id"] = out["item_id"].astype("int64")
    out["rating"] = out["rating"].astype("float32")
    return out.reset_index(drop=True)


def _load_100k(folder):
    ratings = read_interactions(
        folder / "u.data", sep="\t", names=_RATING_COLUMNS, required=_RATING_COLUMNS
    )
    genre_names = _ML100K_GENRES
    if (folder / "u.genre").is_file():
        g = pd.read_csv(
            folder / "u.genre", sep="|", header=None, encoding="latin-1"
        ).dropna()
        genre_names = g.sort_values(1)[0].tolist()
    item_cols = ["item_id", "title", "release_date", "video_release_date", "url"]
    items = None
    if (folder / "u.item").is_file():
        raw = pd.read_csv(
            folder / "u.item",
            sep="|",
            header=None,
            names=item_cols + genre_names,
            encoding="latin-1",
        )
        flags = raw[genre_names].to_numpy().astype(bool)
        names = np.asarray(genre_names, dtype=object)
        items = pd.DataFrame(
            {
                "item_id": raw["item_id"].astype("int64"),
                "title": raw["title"],
                "genres": [names[row].tolist() for row in flags],
                "release_date": raw["release_date"],
            }
        )
    users = None
    if (folder / "u.user").is_file():
        users = pd.read_csv(
            folder / "u.user",
            sep="|",
            header=None,
            names=["user_id", "age", "gender", "occupation", "zip_code"],
            encoding="latin-1",
            dtype={"zip_code": str},
        )
    return ratings, items, users


def _split_genres(series, none_label=None):
    def split(text):
        if not isinstance(text, str) or text == none_label:
            return []
        return text.split("|")

    return [split(t) for t in series]


def _load_1m(folder):
    if (folder / "ratings.dat").is_file():
        ratings = read_interactions(
            folder / "ratings.dat", sep="::", names=_RATING_COLUMNS
        )
    else:
        warnings.warn(
            f"{folder / 'ratings.dat'} is absent; reading the reconstructed "
            "ratings.reconstructed.uirt.tsv.gz instead. Its (user, item, rating) "
            "triples are exact but it is not in the original order and 80,584 "
            "timestamps are unknown (-1, returned as NaN): do not use it for "
            "time-ordered splits.",
            stacklevel=3,
        )
        ratings = read_interactions(
            folder / "ratings.reconstructed.uirt.tsv.gz",
            sep="\t",
            columns={"movie_id": "item_id"},
            required=_RATING_COLUMNS,
        )
        t = ratings["timestamp"].astype("float64")
        ratings = ratings.assign(timestamp=t.where(t >= 0))
    items = None
    if (folder / "movies.dat").is_file():
        raw = read_interactions(
            folder / "movies.dat",
            sep="::",
            names=["item_id", "title", "genres"],
            required=(),
            encoding="latin-1",
        )
        items = pd.DataFrame(
            {
                "item_id": raw["item_id"].astype("int64"),
                "title": raw["title"],
                "genres": _split_genres(raw["genres"]),
            }
        )
    users = None
    if (folder / "users.dat").is_file():
        users = read_interactions(
            folder / "users.dat",
            sep="::",
            names=["user_id", "gender", "age", "occupation", "zip_code"],
            required=(),
            dtype={"zip_code": str},
        )[["user_id", "age", "gender", "occupation", "zip_code"]]
    return ratings, items, users


def _load_csv_variant(folder):
    ratings = read_interactions(
        folder / "ratings.csv",
        sep=",",
        columns={"userId": "user_id", "movieId": "item_id"},
        required=_RATING_COLUMNS,
    )
    items = None
    if (folder / "movies.csv").is_file():
        raw = pd.read_csv(folder / "movies.csv")
        items = pd.DataFrame(
            {
                "item_id": raw["movieId"].astype("int64"),
                "title": raw["title"],
                "genres": _split_genres(raw["genres"], "(no genres listed)"),
            }
        )
    return ratings, items, None


_LOADERS = {
    "ml-100k": _load_100k,
    "ml-1m": _load_1m,
    "ml-20m": _load_csv_variant,
    "ml-latest-small": _load_csv_variant,
}


def load_movielens(
    variant: str = "ml-100k",
    data_dir=None,
    download: bool = True,
    cache_dir=None,
    url: str | None = None,
    sha256: str | None = None,
) -> MovieLensData:
    """Loads a MovieLens dataset: ratings, item metadata and user demographics.

    Looks for the files in this order: `data_dir` (or `data_dir/<variant>`),
    `$KERAS_RECSYS_DATA/<variant>`, then the Keras cache
    (`~/.keras/datasets/<variant>`, or under `$KERAS_HOME`). When none holds
    them and `download` is True, it downloads the official GroupLens zip with
    `keras.utils.get_file` (showing progress), verifies its sha256 and
    extracts it into the Keras cache.

    For `"ml-1m"` without `ratings.dat` but with the reconstructed
    `ratings.reconstructed.uirt.tsv.gz`, that file is used with a warning; its
    unknown timestamps (-1) become NaN.

    Args:
        variant: str. `"ml-100k"`, `"ml-1m"`, `"ml-20m"` or
            `"ml-latest-small"`. Defaults to `"ml-100k"`.
        data_dir: optional str or path. A folder holding the variant's files.
        download: bool. Whether to download when the files are not found.
            Defaults to True.
        cache_dir: optional str or path. The Keras cache root to look in and
            download to. Defaults to `$KERAS_HOME` or `~/.keras`.
        url: optional str. Archive URL, overriding GroupLens's (a mirror, or
            a `file://` URL).
        sha256: optional str. The archive's expected sha256, overriding the
            known one.

    Returns:
        A `keras_recsys.data.MovieLensData` with `ratings` (`user_id`,
        `item_id`, `rating`, `timestamp`), `items` (`item_id`, `title`,
        `genres` as a list of names) and `users` (ml-100k and ml-1m only).

    Raises:
        FileNotFoundError: when the files are nowhere and cannot be
            downloaded; the message lists where it looked.
        ValueError: for an unknown variant or an archive whose sha256 does
            not match.

    Example:

    ```python
    import os
    import keras_recsys

    if os.environ.get("KERAS_RECSYS_DATA"):
        data = keras_recsys.data.load_movielens("ml-100k", download=False)
        data.ratings.shape  # (100000, 4)
    ```

    References:
        Harper and Konstan, "The MovieLens Datasets: History and Context",
        ACM TiiS 5(4), 2015.
    """
    if variant not in _LOADERS:
        raise ValueError(
            f"Unknown MovieLens variant {variant!r}; use one of {list(_LOADERS)}."
        )
    places = _candidates(variant, data_dir, cache_dir)
    folder = next((p for p in places if _holds(p, variant)), None)
    download_error = None
    if folder is None and download:
        try:
            places += [p for p in _download(variant, cache_dir, url, sha256)]
        except ValueError:
            raise
        except Exception as e:  # network errors come in many types
            download_error = e
        folder = next((p for p in places if _holds(p, variant)), None)
    if folder is None:
        looked = "\n".join(f"  - {p}" for p in places)
        files = " or ".join(_RATINGS_FILES[variant])
        reason = (
            f"\nThe download from {url or _BASE_URL + variant + '.zip'} failed: "
            f"{download_error}"
            if download_error
            else ("" if download else "\nDownloading is off (download=False).")
        )
        raise FileNotFoundError(
            f"MovieLens {variant} not found: no {files} in\n{looked}{reason}\n"
            f"Provide the data by unzipping {variant}.zip from "
            "https://grouplens.org/datasets/movielens/ and passing "
            f"data_dir=..., or setting KERAS_RECSYS_DATA to the folder that "
            f"holds {variant}/, or allow download=True with network access."
        )
    ratings, items, users = _LOADERS[variant](folder)
    source = next(
        (folder / f for f in _RATINGS_FILES[variant] if (folder / f).is_file()), folder
    )
    _check_ratings(ratings, source, folder, variant)
    ratings = _ratings(ratings)
    return MovieLensData(
        ratings=ratings, items=items, users=users, variant=variant, path=str(folder)
    )
