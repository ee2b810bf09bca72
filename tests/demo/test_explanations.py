import sys

import numpy as np
from explain._explain_models import tiny_sasrec

import keras_recsys
from keras_recsys.demo.explanations import demo_explanations

SEQUENCES = [np.array([3, 11, 5, 1, 14, 2]), np.array([4, 7, 9, 12, 13, 6])]


def test_demo_prints_two_explanations_and_draws_a_chart(tmp_path):
    lines = []
    encoder = keras_recsys.data.IdEncoder().fit(np.arange(101, 116))
    explanations = demo_explanations(
        {"popularity": None, "sasrec": tiny_sasrec()},
        SEQUENCES,
        [0, 1],
        16,
        tmp_path,
        item_encoder=encoder,
        log=lines.append,
    )
    assert len(explanations) == 2
    for user, explanation in enumerate(explanations):
        # Raw ids: code c is 100 + c; the top item is never in the history.
        assert explanation.ids == [100 + c for c in SEQUENCES[user]]
        assert explanation.item - 100 not in SEQUENCES[user]
        assert any(line.endswith(explanation.sentence()) for line in lines)
    assert (tmp_path / "explanation.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_prints_without_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    lines = []
    explanations = demo_explanations(
        {"sasrec": tiny_sasrec()}, SEQUENCES, [1], 16, tmp_path, log=lines.append
    )
    assert len(explanations) == 1
    assert any("matplotlib is not installed" in line for line in lines)
    assert not (tmp_path / "explanation.png").exists()


def test_demo_without_a_history_model_prints_nothing(tmp_path):
    lines = []
    assert (
        demo_explanations({"ncf": None}, SEQUENCES, [0], 16, tmp_path, log=lines.append)
        == []
    )
    assert lines == []
