import numpy as np
import pytest
from _sequence_reference import ATTENTION_INVALID_ARGUMENTS
from _sequence_reference import assert_layouts_agree
from _sequence_reference import check_attention_input_errors
from _sequence_reference import check_refuses_argument
from _sequence_reference import encode_layouts
from _sequence_reference import layer_norm
from _sequence_reference import run_encoder_harness
from _sequence_reference import to_np
from scipy.special import erf

import keras_recsys
from keras_recsys.layers import BidirectionalSequenceEncoder
from keras_recsys.layers import IdEmbedding


def test_harness():
    run_encoder_harness(
        BidirectionalSequenceEncoder,
        {"max_len": 4, "num_blocks": 1, "num_heads": 2, "dropout": 0.1},
        input_shape=(2, 3, 4),
    )


def _norm(norm, x):
    return layer_norm(x, to_np(norm.gamma), to_np(norm.beta), norm.epsilon)


def _dense(layer, x):
    return x @ to_np(layer.kernel) + to_np(layer.bias)


def _numpy_encoder(encoder, vectors):
    """The encoder on the real items of one row, in plain numpy (BERT blocks)."""
    steps = len(vectors)
    from_end = np.arange(steps)[::-1]  # the newest item has position 0
    x = _norm(encoder.input_norm, vectors + to_np(encoder.positions)[from_end])
    for i in range(encoder.num_blocks):
        mha = encoder.attentions[i]
        q = np.einsum("td,dhk->htk", x, to_np(mha._query_dense.kernel))
        q = q + to_np(mha._query_dense.bias)[:, None]
        k = np.einsum("td,dhk->htk", x, to_np(mha._key_dense.kernel))
        k = k + to_np(mha._key_dense.bias)[:, None]
        v = np.einsum("td,dhk->htk", x, to_np(mha._value_dense.kernel))
        v = v + to_np(mha._value_dense.bias)[:, None]
        scores = np.einsum("hqk,hsk->hqs", q, k) / np.sqrt(q.shape[-1])
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)  # every key, both sides
        context = np.einsum("hqs,hsk->hqk", weights, v)
        attended = np.einsum("hqk,hkd->qd", context, to_np(mha._output_dense.kernel))
        x = _norm(
            encoder.attention_norms[i], x + attended + to_np(mha._output_dense.bias)
        )
        h = _dense(encoder.feedforward_inners[i], x)
        h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))  # exact GELU
        x = _norm(
            encoder.feedforward_norms[i], x + _dense(encoder.feedforward_outers[i], h)
        )
    return x


def test_against_numpy_reference():
    embedding = IdEmbedding(10, 4, mask_zero=True, embeddings_initializer="normal")
    encoder = BidirectionalSequenceEncoder(max_len=6, num_blocks=2, num_heads=2)
    ids = np.array([[0, 0, 3, 7, 2, 9], [5, 1, 9, 0, 0, 0]])
    out = to_np(encoder(embedding(ids)))
    table = to_np(embedding.embeddings)
    assert encoder.feedforward_inners[0].units == 16  # 4 x dim by default
    for row, id_row in zip(out, ids):
        real = id_row != 0
        expected = _numpy_encoder(encoder, table[id_row[real]])
        np.testing.assert_allclose(row[real], expected, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(row[~real], 0.0)


def test_is_the_transformer_encoder_without_causality():
    # The layout is TransformerSequenceEncoder(causal=False): same reference.
    embedding = IdEmbedding(10, 4, mask_zero=True, embeddings_initializer="normal")
    encoder = keras_recsys.layers.TransformerSequenceEncoder(
        max_len=4, num_heads=2, scale_inputs=False, causal=False, num_blocks=1
    )
    ids = np.array([[0, 3, 7, 2]])
    out = to_np(encoder(embedding(ids)))[0, 1:]
    expected = _numpy_encoder(encoder, to_np(embedding.embeddings)[ids[0, 1:]])
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_config_written_before_the_shared_base_loads():
    # Saved configs of the standalone layer lack the encoder base's keys.
    old = {"name": "enc", "max_len": 4, "num_blocks": 1, "num_heads": 2}
    old.update(feedforward_dim=None, dropout=0.1, layer_norm_epsilon=1e-6)
    layer = BidirectionalSequenceEncoder.from_config(old)
    assert (layer.causal, layer.scale_inputs, layer.return_sequences) == (
        False,
        False,
        True,
    )
    assert "causal" not in layer.get_config()


def test_outputs_do_not_depend_on_padding():
    encoder = BidirectionalSequenceEncoder(max_len=6, num_blocks=1)
    results = encode_layouts(encoder, [3, 7, 2], lengths=(6,))
    assert_layouts_agree(results, atol=1e-5)


def test_every_position_sees_later_items():
    embedding = IdEmbedding(10, 4, mask_zero=True)
    encoder = BidirectionalSequenceEncoder(max_len=6, num_blocks=1)
    base = np.array([[0, 3, 7, 2, 5, 8]])
    out = to_np(encoder(embedding(base)))[0]
    changed = base.copy()
    changed[0, 5] = 1  # only the newest item changes
    new = to_np(encoder(embedding(changed)))[0]
    for t in range(1, 5):
        assert not np.allclose(new[t], out[t], atol=1e-6)


@pytest.mark.parametrize("kwargs", ATTENTION_INVALID_ARGUMENTS)
def test_invalid_arguments(kwargs):
    check_refuses_argument(BidirectionalSequenceEncoder, kwargs)


def test_rejects_sequences_longer_than_max_len_and_bad_heads():
    check_attention_input_errors(BidirectionalSequenceEncoder)
