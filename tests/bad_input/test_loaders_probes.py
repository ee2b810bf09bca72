"""Bad-input probes of the loaders: read_interactions and load_movielens.

Every file is written here into a temporary folder (never MovieLens data).
A corrupted file must give an error that names the file.
"""

import gzip
import os
import tempfile
import zipfile
from unittest import mock

import pandas as pd
import pytest
from _data_probes import check
from _data_probes import error
from _data_probes import params
from _data_probes import value

from keras_recsys import data as krd

pytestmark = pytest.mark.backend_independent

_FOLDER = tempfile.TemporaryDirectory(prefix="keras_recsys_loader_probes_")
U_DATA = b"1\t10\t4\t881250949\n2\t10\t5\t891717742\n2\t20\t1\t878887116\n"
FRAME = pd.DataFrame(
    {
        "user_id": [1, 2, 2],
        "item_id": [10, 10, 20],
        "rating": [4, 5, 1],
        "timestamp": [881250949, 891717742, 878887116],
    }
)
NAMES = ["user_id", "item_id", "rating", "timestamp"]


def _without_env(call):
    """`call` with $KERAS_RECSYS_DATA unset (so only the given places count)."""

    def run():
        with mock.patch.dict(os.environ):
            os.environ.pop("KERAS_RECSYS_DATA", None)
            return call()

    return run


def _file(name, content):
    path = os.path.join(_FOLDER.name, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
    return path


def _read(name, content, **kwargs):
    return lambda: krd.read_interactions(_file(name, content), **kwargs)


def _ml100k(label, u_data, info=None):
    """A folder laid out like ml-100k with the given u.data (and u.info)."""

    def call():
        folder = os.path.join(_FOLDER.name, label.replace(" ", "_"), "ml-100k")
        _file(os.path.join(folder, "u.data"), u_data)
        if info is not None:
            _file(os.path.join(folder, "u.info"), info)
        return krd.load_movielens("ml-100k", data_dir=folder, download=False)

    return call


def _loaded_ratings(u_data):
    def call():
        data = _ml100k("intact " + str(len(u_data)), u_data, b"3 ratings\n")()
        return data.ratings

    return call


def _expected_ratings():
    out = FRAME.copy()
    out["rating"] = out["rating"].astype("float32")
    return out


def _download(label, content, sha256="0" * 64):
    def call():
        archive = _file(f"{label}.zip", content)
        cache = os.path.join(_FOLDER.name, f"cache_{label}")
        url = "file://" + archive
        try:
            krd.load_movielens("ml-100k", cache_dir=cache, url=url, sha256=sha256)
        finally:
            left = [f for _, _, files in os.walk(cache) for f in files]
            assert left == [], f"half-written cache: {left}"

    return _without_env(call)


def _zip(members):
    path = os.path.join(_FOLDER.name, "built.zip")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with open(path, "rb") as f:
        return f.read()


def _sha(content):
    import hashlib

    return hashlib.sha256(content).hexdigest()


GARBAGE = b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage"
BAD_ZIP = b"PK\x03\x04" + b"\x00" * 40
ROWS = [
    (
        "missing file",
        lambda: krd.read_interactions(os.path.join(_FOLDER.name, "nope.csv")),
        error("nope.csv", exceptions=(FileNotFoundError,)),
    ),
    (
        "binary garbage",
        _read("garbage.csv", GARBAGE, names=NAMES),
        error("garbage.csv"),
    ),
    (
        "gzip of garbage",
        _read(
            "g.csv.gz",
            gzip.compress(b"1,2,3\n4,5,6,7,8\n\x00\x01"),
            sep=",",
            names=NAMES[:3],
        ),
        error("g.csv.gz"),
    ),
    (
        "truncated gzip",
        _read("t.csv.gz", gzip.compress(b"user_id,item_id\n1,2\n" * 50)[:-12]),
        error("t.csv.gz"),
    ),
    ("empty file", _read("empty.csv", b""), error("empty.csv")),
    (
        "header only, required columns missing",
        _read("h.csv", b"userId,movieId\n1,2\n"),
        error("user_id"),
    ),
    (
        "rename to the required names",
        _read(
            "r.csv",
            b"userId,movieId\n1,2\n",
            columns={"userId": "user_id", "movieId": "item_id"},
        ),
        value(lambda: pd.DataFrame({"user_id": [1], "item_id": [2]})),
    ),
    (
        "tab separated guessed",
        _read("u1.data", U_DATA, names=NAMES),
        value(lambda: FRAME),
    ),
    (
        "double colon guessed",
        _read("r.dat", U_DATA.replace(b"\t", b"::"), names=NAMES),
        value(lambda: FRAME),
    ),
    (
        "gzip detected from bytes",
        _read("u2.data", gzip.compress(U_DATA), names=NAMES),
        value(lambda: FRAME),
    ),
    (
        "latin-1 detected",
        _read(
            "items.txt",
            "1|Café|x\n2|Señor|y\n".encode("latin-1"),
            names=["item_id", "title", "url"],
            required=(),
        ),
        value(
            lambda: pd.DataFrame(
                {"item_id": [1, 2], "title": ["Café", "Señor"], "url": ["x", "y"]}
            )
        ),
    ),
    (
        "utf-8 kept",
        _read(
            "items8.txt",
            "1|Café|x\n".encode(),
            names=["item_id", "title", "url"],
            required=(),
        ),
        value(lambda: pd.DataFrame({"item_id": [1], "title": ["Café"], "url": ["x"]})),
    ),
    (
        "wrong field count",
        _read("w.csv", b"a,b\n1,2\n3,4,5,6\n", sep=",", required=()),
        error("w.csv"),
    ),
    # load_movielens on local files.
    ("ml-100k intact", _loaded_ratings(U_DATA), value(_expected_ratings)),
    (
        "ml-100k truncated (u.info says more)",
        _ml100k("trunc", U_DATA[:-27], b"3 ratings\n"),
        error("u.data", match="2 ratings.*states 3"),
    ),
    (
        "ml-100k partial last line",
        _ml100k("partial", U_DATA + b"3\t30", b"4 ratings\n"),
        error("u.data", match=r"u\.data is corrupted.*row 4"),
    ),
    ("ml-100k garbage u.data", _ml100k("garbage", GARBAGE), error("u.data")),
    ("ml-100k empty u.data", _ml100k("empty", b""), error("u.data")),
    (
        "ml-100k text rating",
        _ml100k("text", U_DATA.replace(b"\t4\t", b"\tfour\t")),
        error("u.data", match="rating"),
    ),
    (
        "ml-100k float item id",
        _ml100k("floatid", U_DATA.replace(b"\t20\t", b"\t20.5\t")),
        error("u.data", match="item_id"),
    ),
    (
        "ml-100k extra rows (u.info says fewer)",
        _ml100k("extra", U_DATA, b"2 ratings\n"),
        error("u.data", match="3 ratings.*states 2"),
    ),
    (
        "unknown variant",
        lambda: krd.load_movielens("ml-2k", download=False),
        error("ml-2k"),
    ),
    (
        "nothing found, download off",
        _without_env(
            lambda: krd.load_movielens(
                "ml-100k",
                data_dir=os.path.join(_FOLDER.name, "none"),
                cache_dir=os.path.join(_FOLDER.name, "no_cache"),
                download=False,
            )
        ),
        error("ml-100k", exceptions=(FileNotFoundError,)),
    ),
    # Downloads (file:// URLs): errors name the archive, the cache is left empty.
    (
        "wrong checksum",
        _download("wrong_sha", _zip({"ml-100k/u.data": U_DATA})),
        error("ml-100k_archive", match="ml-100k_archive failed its sha256"),
    ),
    (
        "garbage archive, its own checksum",
        _download("garbage_zip", GARBAGE, sha256=_sha(GARBAGE)),
        error("ml-100k_archive", match="not a readable zip"),
    ),
    (
        "broken zip header, its own checksum",
        _download("bad_zip", BAD_ZIP, sha256=_sha(BAD_ZIP)),
        error("ml-100k_archive", match="not a readable zip"),
    ),
]


@pytest.mark.parametrize("probe", params("loaders", ROWS))
def test_loaders(probe):
    check(probe)
