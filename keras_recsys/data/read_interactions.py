import gzip
import io
import os
import zlib

import pandas as pd


def _open_bytes(path):
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def _guess_sep(first_line):
    if "::" in first_line:
        return "::"
    for sep in ("\t", ",", "|", ";"):
        if sep in first_line:
            return sep
    return r"\s+"


def read_interactions(
    path,
    sep: str | None = None,
    names=None,
    header="infer",
    columns: dict | None = None,
    required=("user_id", "item_id"),
    encoding: str | None = None,
    dtype=None,
) -> pd.DataFrame:
    """Reads an interaction log (csv, tsv, `::`-separated, optionally gzipped).

    Reading uses pandas' fast C parser for every separator: a `::` file (the
    MovieLens-1M format) is rewritten to tabs in memory first, since pandas
    would otherwise fall back to its slow Python parser.

    Args:
        path: str or path-like. The file; gzip is detected from its bytes.
        sep: str or None. Field separator. Defaults to None: guessed from the
            first line (`::`, tab, comma, `|`, `;`, else whitespace).
        names: optional list of column names, for files without a header.
        header: row number of the header, None for none, or `"infer"` (a
            header unless `names` is given). Defaults to `"infer"`.
        columns: optional dict renaming columns after reading, e.g.
            `{"userId": "user_id", "movieId": "item_id"}`.
        required: columns that must be present after renaming.
            Defaults to `("user_id", "item_id")`.
        encoding: str or None. Text encoding. Defaults to None: UTF-8 when
            the file decodes as UTF-8, else Latin-1 (as MovieLens's `u.item`
            and `movies.dat` are), which decodes any bytes.
        dtype: optional dtype or dict of dtypes, passed to pandas.

    Returns:
        A DataFrame.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if a required column is missing or the file is empty.

    Example:

    ```python
    import pathlib
    import tempfile
    import keras_recsys

    path = pathlib.Path(tempfile.mkdtemp()) / "log.dat"
    path.write_text("1::10::5::978300760\\n2::20::3::978302109\\n")
    df = keras_recsys.data.read_interactions(
        path, names=["user_id", "item_id", "rating", "timestamp"]
    )
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No interaction file at {path!r}.")
    try:
        data = _open_bytes(path)
    except (EOFError, OSError, zlib.error) as error:  # truncated or bad gzip
        raise ValueError(
            f"The gzip file {path!r} is truncated or corrupted: {error}"
        ) from None
    if not data.strip():
        raise ValueError(f"The file {path!r} is empty.")
    if b"\x00" in data:
        raise ValueError(
            f"The file {path!r} holds NUL bytes: it is binary or corrupted, not "
            "a text table of interactions."
        )
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "latin-1"
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)]
    first_line = first_line.decode(encoding, errors="replace")
    if sep is None:
        sep = _guess_sep(first_line)
    if sep == "::":
        data = data.replace(b"::", b"\t")
        sep = "\t"
    if header == "infer":
        header = None if names is not None else 0
    engine = "c" if len(sep) == 1 or sep == r"\s+" else "python"
    try:
        df = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            names=names,
            header=header,
            encoding=encoding,
            dtype=dtype,
            engine=engine,
        )
    except pd.errors.EmptyDataError:
        raise ValueError(f"The file {path!r} has no rows.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(
            f"The file {path!r} could not be parsed as a {sep!r}-separated "
            f"table with encoding {encoding!r}: {error}"
        ) from None
    if columns:
        df = df.rename(columns=columns)
    missing = [c for c in (required or ()) if c not in df.columns]
    if missing:
        raise ValueError(
            f"{path!r} has no column(s) {missing} after reading; its columns "
            f"are {list(df.columns)}. Pass `names=` (no header) or "
            "`columns={old: new}` to rename."
        )
    if len(df) == 0:
        raise ValueError(f"The file {path!r} has no rows.")
    return df
