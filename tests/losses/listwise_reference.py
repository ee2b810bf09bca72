"""Independent numpy references for the listwise losses: plain loops."""

import math

import numpy as np


def _gain(y, gain):
    return (2.0**y - 1.0) if gain == "exponential" else y


def _float64(y_true, y_pred):
    return np.asarray(y_true, "float64"), np.asarray(y_pred, "float64")


def _ideal(gains):
    ordered = sorted(gains, reverse=True)
    return sum(g / math.log2(2 + p) for p, g in enumerate(ordered))


def softmax_rows(y_true, y_pred, gain="linear"):
    y_true, y_pred = _float64(y_true, y_pred)
    out = np.zeros(len(y_true))
    for b in range(len(y_true)):
        keep = [j for j in range(y_true.shape[1]) if y_true[b, j] >= 0]
        g = [_gain(y_true[b, j], gain) if y_true[b, j] > 0 else 0.0 for j in keep]
        if sum(g) == 0:
            continue
        s = [float(y_pred[b, j]) for j in keep]
        top = max(s)
        log_z = top + math.log(sum(math.exp(v - top) for v in s))
        out[b] = -sum(gj / sum(g) * (sj - log_z) for gj, sj in zip(g, s))
    return out


def _row(labels, gain):
    """Kept items, their gains and the row's ideal DCG."""
    keep = [j for j in range(len(labels)) if labels[j] >= 0]
    g = {j: _gain(labels[j], gain) if labels[j] > 0 else 0.0 for j in keep}
    return keep, g, _ideal(list(g.values()))


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _graded_rows(y_true, y_pred, gain, row_loss):
    """`row_loss(labels, scores, keep, g, ideal)` per row; 0 where the ideal
    DCG is 0 (no relevant item)."""
    y_true, y_pred = _float64(y_true, y_pred)
    out = np.zeros(len(y_true))
    for b in range(len(y_true)):
        keep, g, ideal = _row(y_true[b], gain)
        if ideal != 0:
            out[b] = row_loss(y_true[b], y_pred[b], keep, g, ideal)
    return out


def approx_ndcg_rows(y_true, y_pred, temperature, gain="exponential"):
    def row_loss(labels, scores, keep, g, ideal):
        dcg = 0.0
        for i in keep:
            rank = 1.0 + sum(
                _sigmoid((scores[j] - scores[i]) / temperature) for j in keep if j != i
            )
            dcg += g[i] / math.log2(1.0 + rank)
        return 1.0 - dcg / ideal

    return _graded_rows(y_true, y_pred, gain, row_loss)


def lambda_rows(y_true, y_pred, weighting, mu=5.0, sigma=1.0, gain="exponential"):
    def d(r):
        return 1.0 / math.log2(1.0 + r)

    def row_loss(labels, scores, keep, g, ideal):
        # Rank order: score descending, then index ascending.
        order = sorted(keep, key=lambda j: (-scores[j], j))
        rank = {j: p + 1 for p, j in enumerate(order)}
        total = 0.0
        for i in keep:
            for j in keep:
                if not labels[i] > labels[j]:
                    continue
                gap = abs(g[i] - g[j]) / ideal
                k = abs(rank[i] - rank[j])
                loss2 = gap * (d(k) - d(k + 1))
                swap = gap * abs(d(rank[i]) - d(rank[j]))
                w = {
                    "ndcg_loss2": loss2,
                    "lambdarank": swap,
                    "ndcg_loss2pp": swap + mu * loss2,  # Wang et al.: rho + mu * delta
                }[weighting]
                x = -sigma * (scores[i] - scores[j])
                total += w * np.logaddexp(0.0, x) / math.log(2.0)
        return total

    return _graded_rows(y_true, y_pred, gain, row_loss)


def numeric_grad(fn, y_pred, eps=1e-5):
    """Central differences of `sum(fn(y_pred))` in float64."""
    y_pred = np.asarray(y_pred, "float64")
    grad = np.zeros_like(y_pred)
    for idx in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (fn(up).sum() - fn(down).sum()) / (2 * eps)
    return grad
