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

from keras_recsys.layers import IdEmbedding
from keras_recsys.layers import TransformerSequenceEncoder


def test_harness():
    run_encoder_harness(
        TransformerSequenceEncoder,
        {"max_len": 6, "num_blocks": 2, "num_heads": 2, "dropout": 0.1},
        input_shape=(3, 5, 4),
    )


def _numpy_encoder(encoder, vectors, real):
    """One row of the encoder written out in numpy (loops over positions)."""
    dim = vectors.shape[-1]
    x = vectors[real] * np.sqrt(dim)
    x = x + to_np(encoder.positions)[: len(x)]
    steps = len(x)
    for i in range(encoder.num_blocks):
        norm = encoder.attention_norms[i]
        h = layer_norm(x, to_np(norm.gamma), to_np(norm.beta), norm.epsilon)
        attention = encoder.attentions[i]
        wq, bq = (
            to_np(attention._query_dense.kernel),
            to_np(attention._query_dense.bias),
        )
        wk, bk = to_np(attention._key_dense.kernel), to_np(attention._key_dense.bias)
        wv, bv = (
            to_np(attention._value_dense.kernel),
            to_np(attention._value_dense.bias),
        )
        wo, bo = (
            to_np(attention._output_dense.kernel),
            to_np(attention._output_dense.bias),
        )
        heads, key_dim = wq.shape[1], wq.shape[2]
        out = np.zeros_like(h)
        for t in range(steps):
            total = bo.copy()
            for n in range(heads):
                q = h[t] @ wq[:, n] + bq[n]
                scores = np.array(
                    [
                        (h[s] @ wk[:, n] + bk[n]) @ q / np.sqrt(key_dim)
                        for s in range(t + 1)  # causal: keys 0..t only
                    ]
                )
                weights = np.exp(scores - scores.max())
                weights /= weights.sum()
                context = sum(
                    weights[s] * (h[s] @ wv[:, n] + bv[n]) for s in range(t + 1)
                )
                total = total + context @ wo[n]
            out[t] = total
        x = x + out
        norm = encoder.feedforward_norms[i]
        h = layer_norm(x, to_np(norm.gamma), to_np(norm.beta), norm.epsilon)
        inner, outer = encoder.feedforward_inners[i], encoder.feedforward_outers[i]
        h = np.maximum(h @ to_np(inner.kernel) + to_np(inner.bias), 0.0)
        x = x + h @ to_np(outer.kernel) + to_np(outer.bias)
    norm = encoder.output_norm
    return layer_norm(x, to_np(norm.gamma), to_np(norm.beta), norm.epsilon)


def test_against_numpy_reference():
    embedding = IdEmbedding(10, 4, mask_zero=True, embeddings_initializer="normal")
    encoder = TransformerSequenceEncoder(max_len=6, num_blocks=2, num_heads=2)
    ids = np.array([[0, 0, 3, 7, 2, 9], [5, 1, 9, 0, 0, 0]])
    vectors = embedding(ids)
    out = to_np(encoder(vectors))
    table = to_np(embedding.embeddings)
    for row, id_row in zip(out, ids):
        real = id_row != 0
        expected = _numpy_encoder(encoder, table[id_row], real)
        np.testing.assert_allclose(row[real], expected, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(row[~real], 0.0)


@pytest.mark.parametrize("return_sequences", [True, False])
def test_outputs_do_not_depend_on_padding(return_sequences):
    encoder = TransformerSequenceEncoder(
        max_len=8, num_heads=2, return_sequences=return_sequences
    )
    results = encode_layouts(encoder, [3, 7, 2], lengths=(4, 8))
    assert_layouts_agree(results, return_sequences, atol=1e-5)


def test_a_position_never_sees_later_items():
    embedding = IdEmbedding(10, 4, mask_zero=True)
    encoder = TransformerSequenceEncoder(max_len=6, num_heads=2)
    base = np.array([[0, 3, 7, 2, 5, 8]])
    out = to_np(encoder(embedding(base)))[0]
    for t in range(1, 6):
        changed = base.copy()
        changed[0, t] = 9 if base[0, t] != 9 else 1
        new = to_np(encoder(embedding(changed)))[0]
        np.testing.assert_allclose(new[:t], out[:t], rtol=1e-5, atol=1e-6)
        assert not np.allclose(new[t], out[t])


def test_length_one_sequences():
    encoder = TransformerSequenceEncoder(max_len=3, return_sequences=False)
    results = encode_layouts(encoder, [4], lengths=(1, 3))
    outs = [out for _, out in results.values()]
    for out in outs:
        np.testing.assert_allclose(out, outs[0], rtol=1e-5, atol=1e-6)
        assert np.isfinite(out).all() and np.abs(out).sum() > 0


@pytest.mark.parametrize(
    "kwargs, error",
    [(kwargs, ValueError) for kwargs in ATTENTION_INVALID_ARGUMENTS]
    + [({"max_len": 4, "return_sequences": 1}, TypeError)],
)
def test_invalid_arguments(kwargs, error):
    check_refuses_argument(TransformerSequenceEncoder, kwargs, error)


def test_rejects_sequences_longer_than_max_len_and_bad_heads():
    check_attention_input_errors(TransformerSequenceEncoder)
