import numpy as np
import pytest

from keras_recsys.data import MaskedItemDataset

pytestmark = pytest.mark.backend_independent

NUM_ITEMS = 50


def _sequences(rows=400, max_len=12, seed=0):
    rng = np.random.default_rng(seed)
    seqs = rng.integers(1, NUM_ITEMS, size=(rows, max_len))
    lengths = rng.integers(1, max_len + 1, size=rows)
    for r, n in enumerate(lengths):
        if r % 2:
            seqs[r, : max_len - n] = 0  # left padding
        else:
            seqs[r, n:] = 0  # right padding
    return seqs


def _expected_rates(seqs, p, q):
    """Chance that each position is masked, from the rule written out."""
    out = np.zeros(seqs.shape)
    for r, row in enumerate(seqs):
        real = np.flatnonzero(row)
        n = len(real)
        out[r, real] = (1 - q) * p
        # The last item: a last-only row, drawn, or no item drawn at all.
        out[r, real[-1]] = q + (1 - q) * (p + (1 - p) ** n)
    return out


def _all_batches(ds):
    xs, ys, ws = [], [], []
    for i in range(len(ds)):
        x, y, w = ds[i]
        xs.append(x)
        ys.append(y)
        ws.append(w)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)


def test_batches_hide_items_consistently():
    seqs = _sequences()
    original = seqs.copy()
    ds = MaskedItemDataset(seqs, NUM_ITEMS, batch_size=64, shuffle=False)
    x, y, w = _all_batches(ds)
    np.testing.assert_array_equal(seqs, original)  # caller's data untouched
    masked = w == 1
    np.testing.assert_array_equal(x[masked], NUM_ITEMS)  # the [MASK] id
    np.testing.assert_array_equal(y[masked], seqs[masked])
    np.testing.assert_array_equal(x[~masked], seqs[~masked])
    np.testing.assert_array_equal(y[~masked], 0)
    assert not masked[seqs == 0].any()  # padding is never hidden
    assert masked.any(axis=1).all()  # every row trains
    assert x.dtype == y.dtype == np.int32 and w.dtype == np.float32


@pytest.mark.parametrize("p, q", [(0.2, 0.1), (0.5, 0.0), (0.15, 0.4)])
def test_masking_rates_match_the_rule(p, q):
    seqs = _sequences(rows=300)
    ds = MaskedItemDataset(
        seqs,
        NUM_ITEMS,
        batch_size=100,
        mask_probability=p,
        last_item_probability=q,
        shuffle=False,
    )
    epochs = 40
    counts = np.zeros(seqs.shape)
    for _ in range(epochs):
        _, _, w = _all_batches(ds)
        counts += w
        ds.on_epoch_end()
    expected = _expected_rates(seqs, p, q)
    real = seqs > 0
    # Rates pooled over positions: binomial error is tiny at these counts.
    is_last = real & (np.cumsum(real[:, ::-1], axis=1)[:, ::-1] == 1)
    for group in (real & ~is_last, is_last):
        got = counts[group].sum() / (epochs * group.sum())
        want = expected[group].mean()
        sd = np.sqrt(want * (1 - want) / (epochs * group.sum()))
        assert abs(got - want) < 5 * sd + 1e-9, (got, want)


def test_masks_are_redrawn_each_epoch_and_reproducible():
    seqs = _sequences(rows=50)
    a = MaskedItemDataset(seqs, NUM_ITEMS, batch_size=50, seed=3)
    b = MaskedItemDataset(seqs, NUM_ITEMS, batch_size=50, seed=3)
    first = a[0]
    np.testing.assert_array_equal(first[0], b[0][0])
    a.on_epoch_end()
    assert not np.array_equal(first[2], a[0][2])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"item_sequence": np.array([[1, 50]])}, ValueError),  # id == num_items
        ({"item_sequence": np.array([1, 2])}, ValueError),
        ({"item_sequence": np.array([[1, 2]]), "mask_probability": 0.0}, ValueError),
        ({"item_sequence": np.array([[1, 2]]), "last_item_probability": 2}, ValueError),
        ({"item_sequence": np.array([[1, 2]]), "workers": 2}, ValueError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error):
        MaskedItemDataset(num_items=NUM_ITEMS, **kwargs)
