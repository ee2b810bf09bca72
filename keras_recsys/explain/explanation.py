import dataclasses

import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

KINDS = ("history", "features", "neighbours")


def _join(names):
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


@keras_recsys_export("keras_recsys.explain.Explanation")
@dataclasses.dataclass
class Explanation:
    """Why one item was recommended: attributions of its score, in raw ids.

    Made by `keras_recsys.explain.explain_history` (one value per item of
    the user's history), `keras_recsys.explain.explain_features` (one per
    input feature) and `keras_recsys.explain.similar_items` (cosine
    similarities in the learned item space). It reads as a structure
    (`to_dict`), a sentence (`sentence`) and a bar chart (`plot`).

    Args:
        item: raw id of the explained item (decoded through the
            `IdEncoder` given to the explainer; the model's id otherwise).
        item_title: str or None. The item's title, when known.
        score: float. The explained quantity at the input: the model's score
            of the item (a logit for the ranking models, the output for
            feature models), or its log-probability or margin among the
            candidates when `explain_history` was given that `target`.
        method: str. `"occlusion"`, `"greedy_occlusion"`,
            `"integrated_gradients"`, `"attention"` or `"cosine"`.
        kind: str. `"history"`, `"features"` or `"neighbours"`.
        ids: list. Raw ids of the history items (or neighbours), or the
            feature names.
        titles: list. Titles or display labels, one per id (None where
            unknown).
        values: list of float. One attribution (or similarity) per id.
        positions: list of int or None. Index of each id in the input: its
            place in the history (0 = oldest real item) or its column.
            Defaults to `None`.
        baseline_score: float or None. The score at the integrated-gradients
            baseline. Defaults to `None`.
        remainder: float. Attribution of the inputs not listed (the entries
            of an autoencoder row outside the history). With integrated
            gradients `sum(values) + remainder` equals
            `score - baseline_score` up to the integration error. Defaults
            to `0.0`.

    Example:

    ```python
    import keras_recsys

    explanation = keras_recsys.explain.Explanation(
        item=1, item_title="Toy Story (1995)", score=3.2, method="occlusion",
        kind="history", ids=[260, 1196], titles=["Star Wars", "Empire"],
        values=[1.5, 0.7],
    )
    explanation.sentence()
    # 'Recommended Toy Story (1995) because you watched Star Wars and Empire.'
    ```
    """

    item: object
    item_title: object
    score: float
    method: str
    kind: str
    ids: list
    titles: list
    values: list
    positions: object = None
    baseline_score: object = None
    remainder: float = 0.0

    def __post_init__(self):
        check_one_of("kind", self.kind, KINDS)
        self.ids = list(self.ids)
        self.titles = list(self.titles)
        self.values = [float(v) for v in self.values]
        if not len(self.ids) == len(self.titles) == len(self.values):
            raise ValueError(
                "`ids`, `titles` and `values` must have the same length. "
                f"Received lengths {len(self.ids)}, {len(self.titles)} and "
                f"{len(self.values)}"
            )
        if self.positions is not None:
            self.positions = [int(p) for p in self.positions]
        self.score = float(self.score)
        if self.baseline_score is not None:
            self.baseline_score = float(self.baseline_score)
        self.remainder = float(self.remainder)

    def label(self, index):
        """Display name of entry `index`: its title, else its id."""
        title = self.titles[index]
        return str(self.ids[index]) if title is None else str(title)

    @property
    def item_label(self):
        return str(self.item) if self.item_title is None else str(self.item_title)

    def top(self, n=3, positive_only=True):
        """Indices of the `n` largest values (only values > 0 by default),
        largest first; ties keep the input order."""
        n = check_positive_int("n", n)
        values = np.asarray(self.values, dtype="float64")
        order = np.argsort(-values, kind="stable")
        if positive_only:
            order = order[values[order] > 0]
        return [int(i) for i in order[:n]]

    def sentence(self, n=3, verb="watched"):
        """The explanation as one sentence naming the `n` strongest reasons.

        Args:
            n: int. How many items or features to name. Defaults to `3`.
            verb: str. What the user did with the history items. Defaults
                to `"watched"`.

        Returns:
            A str, for instance "Recommended Toy Story (1995) because you
            watched A, B and C."
        """
        top = self.top(n)
        names = [self.label(i) for i in top]
        if self.kind == "features":
            if not names:
                return (
                    f"Scored {self.item_label} {self.score:.3g}; no feature "
                    "raises the score above its baseline."
                )
            return (
                f"Scored {self.item_label} {self.score:.3g} mainly because of "
                f"{_join(names)}."
            )
        if not names:
            return (
                f"Recommended {self.item_label}; no item you {verb} raises its score."
            )
        if self.kind == "neighbours":
            return (
                f"Recommended {self.item_label}: similar to {_join(names)}, "
                f"which you {verb}."
            )
        return f"Recommended {self.item_label} because you {verb} {_join(names)}."

    def plot(self, n=10, ax=None, path=None):
        """Draws the `n` largest attributions (by magnitude) as a bar chart.

        Needs matplotlib (the `demo` extra).

        Args:
            n: int. How many bars. Defaults to `10`.
            ax: optional matplotlib Axes to draw in; a new figure otherwise.
            path: optional file to save the figure to (PNG by extension).

        Returns:
            The matplotlib Axes.
        """
        n = check_positive_int("n", n)
        import matplotlib

        if ax is None and path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        values = np.asarray(self.values, dtype="float64")
        order = np.argsort(-np.abs(values), kind="stable")[:n][::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.45 * len(order) + 1.4))
        colors = ["C0" if values[i] >= 0 else "C3" for i in order]
        labels = [self.label(i)[:40] for i in order]
        ax.barh(np.arange(len(order)), values[order], color=colors)
        ax.set_yticks(np.arange(len(order)), labels)
        ax.axvline(0.0, color="black", linewidth=0.8)
        what = {
            "occlusion": "score drop when removed",
            "greedy_occlusion": "marginal score drop, in removal order",
            "integrated_gradients": "integrated gradient (score units)",
            "attention": "attention weight (not a faithful measure)",
            "cosine": "cosine similarity",
        }.get(self.method, self.method)
        ax.set_xlabel(what)
        ax.set_title(f"{self.method}: why {self.item_label[:50]}")
        if path is not None:
            ax.figure.tight_layout()
            ax.figure.savefig(path, dpi=110)
            plt.close(ax.figure)
        return ax

    def to_dict(self):
        """The explanation as a JSON-ready dict (see `get_config`)."""
        return self.get_config()

    def get_config(self):
        def plain(v):
            return v.item() if isinstance(v, np.generic) else v

        return {
            "item": plain(self.item),
            "item_title": self.item_title,
            "score": self.score,
            "method": self.method,
            "kind": self.kind,
            "ids": [plain(i) for i in self.ids],
            "titles": list(self.titles),
            "values": list(self.values),
            "positions": self.positions,
            "baseline_score": self.baseline_score,
            "remainder": self.remainder,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
