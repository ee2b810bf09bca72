import numpy as np
import pytest

from keras_recsys.losses import InBatchSoftmaxLoss
from keras_recsys.utils.testing import run_loss_test


def _reference(y_pred, ids, probs=None, temperature=1.0, remove_hits=True):
    """Per-row softmax cross-entropy of the diagonal, with loops."""
    n = len(y_pred)
    out = []
    for i in range(n):
        logits = []
        for j in range(n):
            if remove_hits and j != i and ids[j] == ids[i]:
                continue
            z = y_pred[i, j] / temperature
            if probs is not None:
                z -= np.log(probs[j])
            logits.append((z, j == i))
        zs = np.array([z for z, _ in logits], dtype="float64")
        pos = next(z for z, is_pos in logits if is_pos)
        out.append(np.log(np.exp(zs - zs.max()).sum()) + zs.max() - pos)
    return np.array(out)


Y_PRED = np.array(
    [
        [2.0, 0.5, 1.0, -1.0],
        [0.1, 1.5, 0.3, 0.2],
        [1.2, 0.0, 0.7, 0.4],
        [0.3, -0.2, 0.9, 1.1],
    ],
    dtype="float32",
)
IDS = np.array([5, 2, 5, 9])
PROBS = np.array([0.4, 0.1, 0.4, 0.1])


def test_plain_softmax():
    loss = InBatchSoftmaxLoss(remove_accidental_hits=False)
    np.testing.assert_allclose(
        float(np.asarray(loss(IDS.astype("float32"), Y_PRED))),
        _reference(Y_PRED, IDS, remove_hits=False).mean(),
        rtol=1e-5,
    )


def test_harness_full():
    y_true = np.stack([IDS, PROBS], axis=1).astype("float32")
    run_loss_test(
        InBatchSoftmaxLoss,
        {"temperature": 0.5, "logq_correction": True},
        y_true,
        Y_PRED,
        expected=_reference(Y_PRED, IDS, PROBS, temperature=0.5).mean(),
    )


def test_accidental_hits_and_sample_weight():
    loss = InBatchSoftmaxLoss(temperature=0.2, reduction="none")
    got = np.asarray(loss(IDS[:, None].astype("float32"), Y_PRED))
    np.testing.assert_allclose(
        got, _reference(Y_PRED, IDS, temperature=0.2), rtol=1e-5, atol=1e-6
    )
    weights = np.array([1.0, 0.0, 2.0, 1.0])
    weighted = InBatchSoftmaxLoss(temperature=0.2)(
        IDS.astype("float32"), Y_PRED, sample_weight=weights
    )
    expected = (_reference(Y_PRED, IDS, temperature=0.2) * weights).sum() / 4
    np.testing.assert_allclose(float(np.asarray(weighted)), expected, rtol=1e-5)


def test_removing_hits_changes_only_rows_with_duplicates():
    with_hits = np.asarray(InBatchSoftmaxLoss(reduction="none")(IDS, Y_PRED))
    without = np.asarray(
        InBatchSoftmaxLoss(remove_accidental_hits=False, reduction="none")(IDS, Y_PRED)
    )
    np.testing.assert_allclose(with_hits[[1, 3]], without[[1, 3]], rtol=1e-6)
    assert (with_hits[[0, 2]] < without[[0, 2]]).all()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"temperature": 0.0}, ValueError),
        ({"temperature": -1.0}, ValueError),
        ({"remove_accidental_hits": 1}, TypeError),
        ({"logq_correction": "yes"}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="temperature|remove_accidental_hits|logq"):
        InBatchSoftmaxLoss(**kwargs)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="square"):
        InBatchSoftmaxLoss()(IDS[:3], Y_PRED[:3])
    with pytest.raises(ValueError, match=r"\(batch, 2\)"):
        InBatchSoftmaxLoss(logq_correction=True)(IDS, Y_PRED)
