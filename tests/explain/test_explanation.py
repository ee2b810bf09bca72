import json

import pytest

from keras_recsys.explain import Explanation
from keras_recsys.utils.testing import run_serialization_test

KWARGS = dict(
    item=1,
    item_title="Toy Story (1995)",
    score=3.25,
    method="occlusion",
    kind="history",
    ids=[260, 1196, 2628, 1210],
    titles=["Star Wars", "Empire", None, "Jedi"],
    values=[1.5, 0.7, -0.2, 0.9],
    positions=[0, 1, 2, 3],
)


@pytest.mark.backend_independent
def test_serialization_round_trip():
    revived = run_serialization_test(Explanation, KWARGS)
    assert revived == Explanation(**KWARGS)


@pytest.mark.backend_independent
def test_sentences():
    e = Explanation(**KWARGS)
    assert e.top(3) == [0, 3, 1]
    assert e.sentence() == (
        "Recommended Toy Story (1995) because you watched Star Wars, Jedi and Empire."
    )
    assert e.sentence(n=1, verb="rated") == (
        "Recommended Toy Story (1995) because you rated Star Wars."
    )
    negative = Explanation(**{**KWARGS, "values": [-1.0, -2.0, -0.1, -0.5]})
    assert negative.sentence() == (
        "Recommended Toy Story (1995); no item you watched raises its score."
    )
    near = Explanation(**{**KWARGS, "kind": "neighbours", "method": "cosine"})
    assert near.sentence(n=2) == (
        "Recommended Toy Story (1995): similar to Star Wars and Jedi, which you "
        "watched."
    )
    untitled = Explanation(**{**KWARGS, "item_title": None, "values": [0, 0, 1, 0]})
    assert untitled.sentence() == "Recommended 1 because you watched 2628."


@pytest.mark.backend_independent
def test_to_dict_is_json():
    e = Explanation(**KWARGS)
    assert json.loads(json.dumps(e.to_dict())) == e.to_dict()
    assert Explanation.from_config(e.to_dict()) == e


@pytest.mark.backend_independent
def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "why.png"
    ax = Explanation(**KWARGS).plot(n=3, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Empire", "Jedi", "Star Wars"]  # largest |value| on top


@pytest.mark.backend_independent
def test_invalid_arguments():
    with pytest.raises(ValueError, match="kind"):
        Explanation(**{**KWARGS, "kind": "why"})
    with pytest.raises(ValueError, match="same length"):
        Explanation(**{**KWARGS, "values": [1.0]})
    with pytest.raises(ValueError, match="`n`"):
        Explanation(**KWARGS).top(0)
