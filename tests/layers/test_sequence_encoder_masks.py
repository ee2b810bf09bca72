"""Every sequence encoder honours an explicit `mask=` argument.

The other tests feed masks through `IdEmbedding(mask_zero=True)`; here the
mask is passed by hand and the padded positions hold different garbage in two
calls. Outputs at real positions (or the pooled output) must not change, and a
sequence with its padded positions removed gives the same result as the
padded one. An encoder that ignored `mask=` would fail both.
"""

import keras
import numpy as np
import pytest

from keras_recsys.layers import CNNSequenceEncoder
from keras_recsys.layers import RNNSequenceEncoder
from keras_recsys.layers import TransformerSequenceEncoder

ENCODERS = {
    "rnn": lambda: RNNSequenceEncoder(3, cell="gru", return_sequences=True),
    "rnn_last": lambda: RNNSequenceEncoder(3, cell="lstm"),
    "cnn": lambda: CNNSequenceEncoder(
        output_dim=4, window=3, num_horizontal=2, num_vertical=2
    ),
    "transformer": lambda: TransformerSequenceEncoder(max_len=6, num_heads=2),
}


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_explicit_mask_hides_padded_positions(name):
    rng = np.random.default_rng(0)
    encoder = ENCODERS[name]()
    # Left padding, as the builders use: two padded steps in row 0, one in 1.
    mask = np.array([[0, 0, 1, 1, 1, 1], [0, 1, 1, 1, 1, 1]], dtype=bool)
    real = rng.normal(size=(2, 6, 4)).astype("float32")
    first = np.where(mask[..., None], real, rng.normal(size=real.shape) * 5)
    second = np.where(mask[..., None], real, rng.normal(size=real.shape) * 5)
    out1 = keras.ops.convert_to_numpy(encoder(first.astype("float32"), mask=mask))
    out2 = keras.ops.convert_to_numpy(encoder(second.astype("float32"), mask=mask))
    if out1.ndim == 3:
        np.testing.assert_allclose(out1[mask], out2[mask], rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(out1, out2, rtol=1e-5, atol=1e-5)
    assert np.isfinite(out1).all()
