import keras
import numpy as np
import pytest
from _explain_models import predict
from _explain_models import tiny_sasrec
from _feature_specs import tower_specs

import keras_recsys
from keras_recsys.explain import explain_features

USER, ITEM = tower_specs(num_users=9, num_items=7, embedding_dim=3, genre_dim=2)
EXAMPLE = {"user_id": 4, "age": [0.7], "item_id": 2, "genres": [1, 3, 0]}


def numpy_weights(model):
    return {w.path: keras.ops.convert_to_numpy(w) for w in model.weights}


@pytest.fixture(scope="module")
def linear_model():
    """A rating model without hidden layers: linear in the feature vectors."""
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_rating_model(
        USER,
        ITEM,
        hidden_units=(),
        embeddings_initializer="glorot_uniform",
        global_mean=3.0,
    )
    # Non-zero biases so that they count in the attributions.
    for w in model.weights:
        if w.path.endswith("_bias/embeddings"):
            w.assign(np.random.default_rng(1).normal(size=w.shape).astype("float32"))
    return model


def analytic_contributions(model):
    """Each feature's term of the linear rating, computed with numpy."""
    w = numpy_weights(model)

    def table(name):
        return next(
            v for k, v in w.items() if k.endswith(f"{name}_embedding/embeddings")
        )

    kernel = next(v for k, v in w.items() if k.endswith("rating/kernel"))[:, 0]
    # Concatenation order: user features (sorted), then item features.
    parts = {
        "age": np.array([0.7]),
        "user_id": table("user_id")[4],
        "genres": table("genres")[[1, 3]].mean(axis=0),
        "item_id": table("item_id")[2],
    }
    out, start = {}, 0
    for name in ("age", "user_id", "genres", "item_id"):
        size = len(parts[name])
        out[name] = float(parts[name] @ kernel[start : start + size])
        start += size
    for name, id_ in (("user_id", 4), ("item_id", 2)):
        bias = next(v for k, v in w.items() if k.endswith(f"{name}_bias/embeddings"))
        out[name] += float(bias[id_, 0])
    rating_bias = float(next(v for k, v in w.items() if k.endswith("rating/bias"))[0])
    return out, rating_bias


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
def test_linear_model_attributions_are_the_analytic_terms(linear_model, method):
    explanation = explain_features(linear_model, EXAMPLE, method=method, steps=16)
    expected, rating_bias = analytic_contributions(linear_model)
    assert explanation.ids == ["age", "genres", "item_id", "user_id"]
    np.testing.assert_allclose(
        explanation.values, [expected[n] for n in explanation.ids], rtol=1e-4, atol=1e-5
    )
    assert explanation.score == pytest.approx(
        rating_bias + sum(expected.values()), rel=1e-5
    )
    if method == "integrated_gradients":
        assert explanation.baseline_score == pytest.approx(rating_bias, rel=1e-5)
        assert sum(explanation.values) == pytest.approx(
            explanation.score - explanation.baseline_score, rel=1e-4, abs=1e-5
        )


def test_baseline_values(linear_model):
    explanation = explain_features(
        linear_model, EXAMPLE, method="occlusion", baselines={"age": 0.2, "item_id": 5}
    )
    w = numpy_weights(linear_model)
    kernel = next(v for k, v in w.items() if k.endswith("rating/kernel"))[:, 0]
    items = next(v for k, v in w.items() if k.endswith("item_id_embedding/embeddings"))
    bias = next(v for k, v in w.items() if k.endswith("item_id_bias/embeddings"))
    # age is the first column of the concatenated features, item_id the last 3.
    assert explanation.values[0] == pytest.approx((0.7 - 0.2) * kernel[0], rel=1e-4)
    expected = (items[2] - items[5]) @ kernel[-3:] + bias[2, 0] - bias[5, 0]
    assert explanation.values[2] == pytest.approx(expected, rel=1e-4, abs=1e-6)


def test_deepfm_completeness_and_labels():
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_deepfm(
        {"user_id": 6, "item_id": 5, "gender": 2}, embedding_dim=3, hidden_units=(4,)
    )
    features = {"user_id": 3, "item_id": 1, "gender": 1}
    explanation = explain_features(model, features, steps=16, item=1, item_title="Up")
    assert explanation.kind == "features"
    assert explanation.titles == ["gender=1", "item_id=1", "user_id=3"]
    logit = predict(model, {k: np.array([v]) for k, v in features.items()}, verbose=0)
    assert explanation.score == pytest.approx(float(logit[0, 0]), rel=1e-4)
    gap = explanation.score - explanation.baseline_score
    assert sum(explanation.values) == pytest.approx(gap, abs=1e-3)
    assert explanation.sentence().startswith("Scored Up ")


def test_two_tower_scores_the_pair():
    keras.utils.set_random_seed(0)
    retrieval = keras_recsys.models.build_two_tower(USER, ITEM, hidden_units=(4,))
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    explanation = explain_features(retrieval, EXAMPLE, method="occlusion")
    u = predict(
        user_model, {"user_id": np.array([4]), "age": np.array([[0.7]])}, verbose=0
    )
    v = predict(
        item_model,
        {"item_id": np.array([2]), "genres": np.array([[1, 3, 0]])},
        verbose=0,
    )
    assert explanation.score == pytest.approx(float(u[0] @ v[0]), rel=1e-4)


def test_invalid_arguments(linear_model):
    with pytest.raises(ValueError, match="Missing"):
        explain_features(linear_model, {"user_id": 1})
    with pytest.raises(ValueError, match="method"):
        explain_features(linear_model, EXAMPLE, method="attention")
    with pytest.raises(ValueError, match="unknown"):
        explain_features(linear_model, EXAMPLE, baselines={"zip": 0})
    with pytest.raises(TypeError, match="dict"):
        explain_features(linear_model, [1, 2])
    with pytest.raises(ValueError, match="explain_history"):
        explain_features(tiny_sasrec(), {"item_sequence": [1, 2, 3]})
