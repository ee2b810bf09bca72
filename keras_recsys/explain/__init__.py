"""keras_recsys.explain: why an item was recommended, checked for faithfulness.

Attributions of a recommended item's score to the user's history
(`explain_history`) or to the input features (`explain_features`), and the
nearest items in the learned item space (`similar_items`), each returned as
an `Explanation` (a structure, a sentence and a bar chart).
"""

from keras_recsys.explain.explain_features import explain_features
from keras_recsys.explain.explain_history import explain_history
from keras_recsys.explain.explanation import Explanation
from keras_recsys.explain.similar_items import similar_items

__all__ = [
    "Explanation",
    "explain_features",
    "explain_history",
    "similar_items",
]
