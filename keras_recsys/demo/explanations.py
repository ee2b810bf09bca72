"""The explanations printed by `keras-recsys demo` (not public).

The demo calls `demo_explanations` after its table: for two evaluated users,
the top-1 recommendation of the first history-based model that was trained,
explained by occlusion (exact) with the nearest history items in the
model's item space, and one attribution chart in the output folder. Only
the chart needs matplotlib.
"""

import numpy as np

from keras_recsys.explain import explain_history
from keras_recsys.explain import similar_items

# The demo's models whose input is a history, in order of preference.
EXPLAINABLE = ("sasrec", "gru4rec", "caser", "mult_vae", "mult_dae")
CHART = "explanation.png"


def _titles(dataset, data_dir):
    if dataset == "synthetic":
        return None
    try:
        from keras_recsys import data as krd

        items = krd.load_movielens(dataset, data_dir=data_dir).items
    except (OSError, ValueError):
        return None
    if items is None or "title" not in items:
        return None
    return dict(zip(items["item_id"], items["title"]))


def _model_input(model, history, num_items):
    names = [t.name for t in model.inputs]
    if "item_sequence" in names:
        max_len = model.inputs[0].shape[1]
        row = np.zeros(max_len, dtype="int32")
        kept = history[-max_len:]
        if len(kept):
            row[max_len - len(kept) :] = kept
        return row
    row = np.zeros(num_items, dtype="float32")
    row[history] = 1.0
    return row


def demo_explanations(
    trained,
    sequences,
    users,
    num_items,
    out_dir,
    item_encoder=None,
    dataset="synthetic",
    data_dir=None,
    log=print,
    num_users=2,
):
    """Prints why two users got their top-1 item; draws one chart.

    Args:
        trained: dict demo model key -> trained keras.Model.
        sequences: list, per encoded user, of the training item ids in time
            order.
        users: encoded ids of the evaluated users (the first two are used).
        num_items: int. Number of item columns, padding 0 included.
        out_dir: pathlib.Path. Folder of the chart.
        item_encoder: optional IdEncoder of the items (for raw ids).
        dataset: str. Dataset name, for the titles.
        data_dir: optional folder of the MovieLens files.
        log: function printing one line.
        num_users: int. How many users to explain.

    Returns:
        The list of `Explanation`s printed (occlusion ones).
    """
    key = next((k for k in EXPLAINABLE if k in trained), None)
    if key is None:
        return []
    model = trained[key]
    titles = _titles(dataset, data_dir)
    explanations = []
    log(
        f"\nWhy these recommendations? ({key}, occlusion: the score drop when "
        "one history item is removed)"
    )
    for user in list(users)[:num_users]:
        history = np.asarray(sequences[user], dtype="int64")
        if not len(history):
            continue
        inputs = _model_input(model, history, num_items)
        scores = np.asarray(model.predict(inputs[None], verbose=0)[0], "float64")
        scores[0] = -np.inf
        scores[history] = -np.inf
        top = int(np.argmax(scores))
        explanation = explain_history(
            model, inputs, top, item_encoder=item_encoder, item_titles=titles
        )
        seen = inputs[inputs != 0] if inputs.dtype.kind in "iu" else history
        near = similar_items(
            model,
            top,
            among=seen,
            k=2,
            item_encoder=item_encoder,
            item_titles=titles,
        )
        log(f"  user {user}: {explanation.sentence()}")
        log(f"    {near.sentence()}")
        explanations.append(explanation)
    if explanations:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            log("  (matplotlib is not installed: no explanation chart)")
        else:
            path = out_dir / CHART
            explanations[0].plot(path=path)
            log(f"  wrote {path}")
    return explanations
