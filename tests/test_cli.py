"""The `keras-recsys` console script: options, and the demo on synthetic data.

The demo's popularity row is checked against an independent numpy
computation of the same protocol (per-user temporal 80/20 split, full
catalog, training items excluded, ties to the lower item id), and a trained
model must beat it on the planted synthetic data.
"""

import json
import warnings

import numpy as np
import pytest

from keras_recsys import cli
from keras_recsys import data as krd
from keras_recsys.demo import RECIPES
from keras_recsys.demo.data import SYNTHETIC

K = 10
STRUCTURE_WARNING = "doesn't match the expected structure"


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["demo", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--dataset", "--models", "--epochs", "--output-dir", "--seed"):
        assert option in text
    for model in RECIPES:
        assert model in text
    assert "synthetic" in text and "ml-100k" in text


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 0
    assert "demo" in capsys.readouterr().out


def test_unknown_model_is_rejected(tmp_path):
    with pytest.raises(SystemExit, match="unknown model"):
        cli.main(["demo", "--models", "popularity,nope", "--output-dir", str(tmp_path)])


@pytest.mark.parametrize("flag", ["--epochs", "--eval-batch-size"])
def test_non_positive_numbers_are_rejected(flag, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["demo", flag, "0"])
    assert info.value.code == 2
    assert flag in capsys.readouterr().err


def popularity_reference(df):
    """Popularity under the demo's protocol, written plainly in numpy."""
    users = df["user_id"].to_numpy()
    items = df["item_id"].to_numpy()
    times = df["timestamp"].to_numpy()
    train_of, test_of = {}, {}
    for user in np.unique(users):
        rows = np.flatnonzero(users == user)
        rows = rows[np.argsort(times[rows], kind="stable")]  # ties: input order
        cut = int(round(len(rows) * 0.8))
        train_of[user] = set(items[rows[:cut]].tolist())
        test_of[user] = set(items[rows[cut:]].tolist())
    catalog = np.unique(items)
    counts = {item: 0 for item in catalog.tolist()}
    for user_items in train_of.values():
        for item in user_items:
            counts[item] += 1
    # Most popular first; equal counts: the lower item id first.
    ranking = sorted(counts, key=lambda item: (-counts[item], item))
    totals = {"precision": [], "recall": [], "f1": [], "ndcg": []}
    for user, held in test_of.items():
        if not held:
            continue
        top = [item for item in ranking if item not in train_of[user]][:K]
        hits = [item in held for item in top]
        precision = sum(hits) / K
        recall = sum(hits) / len(held)
        f1 = 0.0 if not sum(hits) else 2 * precision * recall / (precision + recall)
        dcg = sum(1.0 / np.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
        idcg = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(held), K)))
        for name, value in zip(totals, (precision, recall, f1, dcg / idcg)):
            totals[name].append(value)
    return {f"{name}@{K}": float(np.mean(v)) for name, v in totals.items()}


def _demo_on_synthetic(out):
    cli.main(
        [
            "demo",
            "--dataset",
            "synthetic",
            "--models",
            "popularity,mult_dae",
            "--epochs",
            "6",
            "--output-dir",
            str(out),
            "--seed",
            "3",
            "--eval-batch-size",
            "400",
            "--quiet",
        ]
    )


def test_demo_on_synthetic(tmp_path, capsys):
    out = tmp_path / "demo"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _demo_on_synthetic(out)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if STRUCTURE_WARNING in m], messages
    printed = capsys.readouterr().out
    report = json.loads((out / "results.json").read_text())
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "results.png").stat().st_size > 10_000
    assert (out / "results.txt").exists()
    rows = {row["key"]: row for row in report["rows"]}
    assert set(rows) == {"popularity", "mult_dae"}
    for row in rows.values():
        assert row["model"] in printed
        for metric in ("precision", "recall", "f1", "ndcg"):
            assert 0.0 <= row[f"{metric}@{K}"] <= 1.0
        assert row["train_seconds"] >= 0
    assert len(rows["mult_dae"]["loss_history"]) == 6
    assert all(np.isfinite(rows["mult_dae"]["loss_history"]))

    df = krd.make_synthetic(**SYNTHETIC, seed=3)
    expected = popularity_reference(df)
    for name, value in expected.items():
        np.testing.assert_allclose(rows["popularity"][name], value, atol=1e-5)
    assert report["num_eval_users"] == df["user_id"].nunique()
    # The factors planted in the synthetic data are learnable.
    assert rows["mult_dae"][f"ndcg@{K}"] > 1.2 * rows["popularity"][f"ndcg@{K}"]


@pytest.mark.backend_independent
def test_demo_without_matplotlib_keeps_its_results(tmp_path, capsys, monkeypatch):
    import sys

    # A None entry in sys.modules makes `import matplotlib` fail as if absent.
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "demo"
    cli.main(
        [
            "demo",
            "--dataset",
            "synthetic",
            "--models",
            "popularity",
            "--output-dir",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert not (out / "results.png").exists()
    report = json.loads((out / "results.json").read_text())
    assert [row["key"] for row in report["rows"]] == ["popularity"]
    assert "MostPopular" in (out / "results.txt").read_text()
    assert "the `demo` extra" in printed


@pytest.mark.backend_independent  # `make demo` runs on TensorFlow, the default
def test_demo_twice_gives_identical_metrics(tmp_path, capsys):
    # The same seed on the same machine and backend: the same table.
    def run(out):
        return cli.main(
            [
                "demo",
                "--dataset",
                "synthetic",
                "--models",
                "ncf,sasrec",
                "--epochs",
                "1",
                "--output-dir",
                str(out),
                "--quiet",
            ]
        )

    reports = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in ("first", "second"):
            run(tmp_path / name)
            reports.append(json.loads((tmp_path / name / "results.json").read_text()))
    capsys.readouterr()
    # The datasets and evaluation feed each one-input model its bare array,
    # so Keras never warns that "the structure of `inputs` doesn't match".
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if STRUCTURE_WARNING in m], messages
    metrics = [f"{m}@{K}" for m in ("precision", "recall", "f1", "ndcg")]
    first, second = ([[r[m] for m in metrics] for r in rep["rows"]] for rep in reports)
    assert first == second
    assert (
        reports[0]["rows"][0]["loss_history"] == reports[1]["rows"][0]["loss_history"]
    )
