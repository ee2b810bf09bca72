"""The `Recommender.from_*` constructors, one per builder family.

Each reads the fitted encoders and the training interactions (the seen items
and the popularity) and wraps a model built in the package's id convention:
user and item ids are the `IdEncoder` codes themselves, and every size is the
encoder's `vocabulary_size`.
"""

import numpy as np

from keras_recsys.serving._history import history_arrays
from keras_recsys.utils import backend_utils
from keras_recsys.utils.validation import check_positive_int


def _from_events(
    cls,
    scorer,
    family,
    user_encoder,
    item_encoder,
    interactions,
    user_column="user",
    item_column="item",
    max_history=None,
    **kwargs,
):
    for name, encoder in (
        ("user_encoder", user_encoder),
        ("item_encoder", item_encoder),
    ):
        if getattr(encoder, "vocabulary", None) is None:
            raise ValueError(
                f"`{name}` must be a fitted keras_recsys.data.IdEncoder. "
                f"Received: {name}={encoder!r}"
            )
    for column in (user_column, item_column):
        if column not in interactions:
            raise ValueError(
                f"`interactions` has no column {column!r}. Received "
                f"columns {list(interactions.columns)}"
            )
    if max_history is not None:
        max_history = check_positive_int("max_history", max_history)
    user_codes = np.asarray(user_encoder.transform(interactions[user_column]))
    item_codes = np.asarray(item_encoder.transform(interactions[item_column]))
    known = (user_codes > 0) & (item_codes > 0)
    user_codes, item_codes = user_codes[known], item_codes[known]
    items, offsets, length = history_arrays(
        user_codes, item_codes, user_encoder.vocabulary_size, max_history
    )
    del user_codes
    popularity = np.bincount(item_codes, minlength=item_encoder.vocabulary_size)
    del item_codes
    rec = cls(
        scorer,
        family,
        user_encoder.vocabulary,
        item_encoder.vocabulary,
        history_length=length,
        history_entries=len(items) - 1,
        **kwargs,
    )
    rec.history_items.assign(items)
    rec.history_offsets.assign(offsets)
    rec.popularity.assign(popularity.astype("float32"))
    return rec


def from_two_tower(
    cls, user_model, item_embeddings, user_encoder, item_encoder, interactions, **kwargs
):
    """Serves a two-tower model: the user tower and the item embeddings.

    Args:
        user_model: the user tower, whose only input is the user code
            (a tower built with `num_users` / `vocabulary_size` equal to
            `user_encoder.vocabulary_size`).
        item_embeddings: float array `(item_encoder.vocabulary_size, dim)`:
            row `c` is the embedding of item code `c` (the item tower's
            output on the codes `0..n`; row 0, the unknown item, is never
            recommended).
        user_encoder, item_encoder: the fitted `IdEncoder` objects.
        interactions: DataFrame of the training interactions, raw ids in
            `user_column` and `item_column`, oldest first: the seen items
            and the popularity.
        **kwargs: `user_column` (str, defaults to `"user"`), `item_column`
            (str, defaults to `"item"`), `max_history` (int: keep at most
            this many latest items per user; defaults to `None`, all) and
            the class's arguments (`max_k`, `chunk_size`, ...).
    """
    item_embeddings = np.asarray(backend_utils.to_numpy(item_embeddings))
    num_items = getattr(item_encoder, "vocabulary_size", None)
    if item_embeddings.ndim != 2 or item_embeddings.shape[0] != num_items:
        raise ValueError(
            "`item_embeddings` must have shape (item_encoder.vocabulary_size, "
            f"dim) = ({num_items}, dim), one row per item code. Received "
            f"shape {item_embeddings.shape}"
        )
    rec = _from_events(
        cls,
        user_model,
        "two_tower",
        user_encoder,
        item_encoder,
        interactions,
        embedding_dim=item_embeddings.shape[1],
        **kwargs,
    )
    rec.item_embeddings.assign(item_embeddings.astype("float32"))
    return rec


def _constructor(family, name, doc):
    """A `from_*` constructor for a family whose model is all it needs."""

    def construct(cls, model, user_encoder, item_encoder, interactions, **kwargs):
        return _from_events(
            cls, model, family, user_encoder, item_encoder, interactions, **kwargs
        )

    construct.__name__ = construct.__qualname__ = name
    construct.__doc__ = doc
    return construct


from_pair_scorer = _constructor(
    "pair",
    "from_pair_scorer",
    """Serves a model scoring (user, item) pairs, such as NCF.

    The model takes user and item codes (`build_ncf(num_users=
    user_encoder.vocabulary_size, num_items=item_encoder.vocabulary_size)`)
    and scores every item for every user, `chunk_size` items at a time.
    Arguments as `from_two_tower`.
    """,
)

from_sequence_model = _constructor(
    "sequence",
    "from_sequence_model",
    """Serves a next-item model (`build_sasrec`, `build_gru4rec`, ...).

    The model reads each user's last `max_len` item codes (its input
    `item_sequence`, 0 pads) and returns `(batch,
    item_encoder.vocabulary_size)` logits, column `c` for item code `c`.
    Arguments as `from_two_tower`.
    """,
)

from_autoencoder = _constructor(
    "autoencoder",
    "from_autoencoder",
    """Serves a model reading interaction rows (Mult-VAE, CDAE, ...).

    The row and the output have `item_encoder.vocabulary_size` columns,
    column `c` for item code `c` (column 0 always 0 in the row). A model
    with a `user_input` input (CDAE) also gets the user code. Arguments as
    `from_two_tower`.
    """,
)
