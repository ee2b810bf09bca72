"""An independent numpy reference for the ranking metrics: plain loops."""

import math

import numpy as np


def _order(labels, scores):
    # Higher score first, lower index first among ties; excluded items out.
    items = [i for i in range(len(scores)) if labels[i] >= 0]
    return sorted(items, key=lambda i: (-float(scores[i]), i))


def _gain(rel, gain):
    return 2.0**rel - 1.0 if gain == "exponential" else rel


def row_metric(name, labels, scores, k, cap_at_k=False, gain="exponential"):
    """One row's value (0 when the row has no relevant item)."""
    labels = [float(x) for x in labels]
    num_rel = sum(1 for x in labels if x > 0)
    if num_rel == 0:
        return 0.0
    top = _order(labels, scores)[:k]
    top_labels = [labels[i] for i in top]
    hits = sum(1 for x in top_labels if x > 0)
    if name == "precision":
        return hits / k
    if name == "recall":
        return hits / (min(k, num_rel) if cap_at_k else num_rel)
    if name == "f1":
        p, r = hits / k, hits / num_rel
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)
    if name == "ndcg":
        dcg = sum(
            _gain(x, gain) / math.log2(pos + 2)
            for pos, x in enumerate(top_labels)
            if x > 0
        )
        best = sorted((x for x in labels if x > 0), reverse=True)[:k]
        ideal = sum(_gain(x, gain) / math.log2(pos + 2) for pos, x in enumerate(best))
        return dcg / ideal
    if name == "map":
        total, seen = 0.0, 0
        for pos, x in enumerate(top_labels):
            if x > 0:
                seen += 1
                total += seen / (pos + 1)
        return total / min(k, num_rel)
    if name == "hit_rate":
        return 1.0 if hits > 0 else 0.0
    if name == "mrr":
        for pos, x in enumerate(top_labels):
            if x > 0:
                return 1.0 / (pos + 1)
        return 0.0
    raise ValueError(name)


def rows(name, y_true, y_pred, k, **kwargs):
    """Per-row values, `(batch,)`."""
    y_true = np.asarray(y_true, dtype="float64")
    y_pred = np.asarray(y_pred)
    return np.array(
        [row_metric(name, t, p, k, **kwargs) for t, p in zip(y_true, y_pred)]
    )


def mean(name, y_true, y_pred, k, sample_weight=None, **kwargs):
    """The streamed metric: weighted mean over rows with a relevant item."""
    values = rows(name, y_true, y_pred, k, **kwargs)
    has_rel = (np.asarray(y_true) > 0).any(axis=1).astype("float64")
    weights = np.ones(len(values)) if sample_weight is None else sample_weight
    weights = np.broadcast_to(np.asarray(weights, "float64"), values.shape)
    weights = weights * has_rel
    total = weights.sum()
    return 0.0 if total == 0 else float((values * weights).sum() / total)
