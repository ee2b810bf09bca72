import copy

import keras
import numpy as np
from keras import ops

from keras_recsys.serving import _batch_job
from keras_recsys.serving import _constructors
from keras_recsys.serving import _export
from keras_recsys.serving._catalog_top_k import catalog_top_k
from keras_recsys.serving._catalog_top_k import rankable
from keras_recsys.serving._history import gather_history
from keras_recsys.serving._history import history_codes
from keras_recsys.serving._history import history_rows
from keras_recsys.serving.id_lookup import IdLookup
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

FAMILIES = ("two_tower", "pair", "sequence", "autoencoder")
# Families whose scores depend on the user id; the others read the history.
_USER_FAMILIES = ("two_tower", "pair")


@keras_recsys_export("keras_recsys.serving.Recommender")
class Recommender(keras.Model):
    """Serves a trained model: raw ids in, top-k raw item ids and scores out.

    Wraps a model of any builder family and holds everything serving needs:
    the user and item vocabularies (`keras_recsys.serving.IdLookup` layers),
    each known user's history of items (one flat array of item codes with
    per-user offsets, used as the input of sequence models and autoencoders
    and to exclude seen items), and the items' popularity, which answers
    users the model cannot (a user id not in the vocabulary, or an empty
    history) and flags them. It is a `keras.Model` of registered layers:
    `.keras` save and safe-mode load keep all of it, and `export` writes a
    SavedModel whose `recommend` signature takes raw user ids and `k`.

    Items are ranked over the whole catalog, `chunk_size` items at a time
    (two-tower and pair scorers), so no `(batch, num_items)` matrix is
    held; seen items are never returned; among equal scores the item with
    the lower code (the earlier one in the sorted vocabulary) ranks first,
    as everywhere in the package. Build it with a `from_*` constructor
    rather than directly:

    - `from_two_tower`: a user tower and the item tower's embeddings of the
      catalog (scored by dot product).
    - `from_pair_scorer`: a model scoring (user, item) pairs, such as NCF.
    - `from_sequence_model`: a next-item model (SASRec, GRU4Rec, Caser) read
      on each user's last `max_len` items.
    - `from_autoencoder`: a model reading the user's interaction row
      (Mult-VAE, Mult-DAE, CDAE, AutoRec-style).

    Ids follow the package's convention: the wrapped model takes the
    `IdEncoder` codes themselves (`1..n`, 0 unknown) and was built with
    `num_users=user_encoder.vocabulary_size` and
    `num_items=item_encoder.vocabulary_size`; its scores have one column
    per item code, and column 0 is never recommended.

    Args:
        scorer: `keras.Model`. The trained model (the user tower for
            `"two_tower"`).
        family: str. One of `"two_tower"`, `"pair"`, `"sequence"`,
            `"autoencoder"`.
        user_vocabulary: list of int or str. Raw user ids
            (`IdEncoder.vocabulary`).
        item_vocabulary: list of int or str. Raw item ids.
        history_length: int. The longest history kept per user: the width
            of the history rows the model reads. Defaults to `1`.
        history_entries: int. Number of (user, item) entries the history
            holds. Defaults to `0`.
        max_k: int. The largest `k` a call may ask for. Defaults to `100`.
        embedding_dim: int. Size of the item embeddings (`"two_tower"`
            only). Defaults to `None`.
        user_input: str. Name of the scorer's user id input. Defaults to
            `"user_id"`.
        item_input: str. Name of the scorer's item id input (`"pair"`).
            Defaults to `"item_id"`.
        chunk_size: int. Items scored at a time (`"two_tower"`, `"pair"`).
            Defaults to `65536`.
        **kwargs: base model arguments (`name`).

    Call inputs:
        A dict with `"user_id"`: int32 `(batch,)` user codes, and optionally
        `"history"`: int32 `(batch, L)` item codes (0 pads), used instead of
        the stored histories.

    Returns:
        A dict of `"item_code"`: int32 `(batch, max_k)` (0 in empty slots),
        `"score"`: float32 `(batch, max_k)` (-inf in empty slots) and
        `"fallback"`: bool `(batch,)`, whether the row was answered by
        popularity. `recommend` does the raw-id mapping around it.

    Example:

    ```python
    import numpy as np
    import pandas as pd
    import keras_recsys

    events = pd.DataFrame(
        {"user": ["u1", "u1", "u2", "u3"], "item": ["a", "b", "b", "c"]}
    )
    users = keras_recsys.data.IdEncoder().fit(events["user"])
    items = keras_recsys.data.IdEncoder().fit(events["item"])
    model = keras_recsys.models.build_ncf(
        num_users=users.vocabulary_size,
        num_items=items.vocabulary_size,
        embedding_dim=4,
        hidden_units=(8, 4),
    )
    rec = keras_recsys.serving.Recommender.from_pair_scorer(
        model, users, items, events, max_k=2
    )
    out = rec.recommend(["u1", "nobody"], k=1)
    out["item_id"]  # [["c"], ["b"]]: u1 saw a and b; "nobody" gets the top item
    out["fallback"]  # [False, True]
    ```
    """

    from_two_tower = classmethod(_constructors.from_two_tower)
    from_pair_scorer = classmethod(_constructors.from_pair_scorer)
    from_sequence_model = classmethod(_constructors.from_sequence_model)
    from_autoencoder = classmethod(_constructors.from_autoencoder)
    recommend_batches = _batch_job.recommend_batches
    write_recommendations = _batch_job.write_recommendations
    export = _export.export

    def __init__(
        self,
        scorer,
        family,
        user_vocabulary,
        item_vocabulary,
        history_length=1,
        history_entries=0,
        max_k=100,
        embedding_dim=None,
        user_input="user_id",
        item_input="item_id",
        chunk_size=65536,
        **kwargs,
    ):
        if isinstance(scorer, dict):
            scorer = keras.saving.deserialize_keras_object(scorer)
        if not isinstance(scorer, keras.Model):
            raise TypeError(
                f"`scorer` must be a keras.Model. Received: scorer of type "
                f"{type(scorer).__name__}"
            )
        family = check_one_of("family", family, FAMILIES)
        history_length = check_positive_int("history_length", history_length)
        history_entries = check_int("history_entries", history_entries, min_value=0)
        max_k = check_positive_int("max_k", max_k)
        chunk_size = check_positive_int("chunk_size", chunk_size)
        if family == "two_tower":
            embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        super().__init__(**kwargs)
        self.scorer = scorer
        self.family = family
        self.user_lookup = IdLookup(user_vocabulary, name="user_lookup")
        self.item_lookup = IdLookup(item_vocabulary, name="item_lookup")
        self.item_ids = IdLookup(item_vocabulary, invert=True, name="item_ids")
        # Sizes of the id tables, as IdEncoder.vocabulary_size reports them.
        self.num_users = self.user_lookup.vocabulary_size
        self.num_items = self.item_lookup.vocabulary_size
        if max_k >= self.num_items:
            raise ValueError(
                f"`max_k` must be <= the number of items ({self.num_items - 1}). "
                f"Received: max_k={max_k}"
            )
        self._check_scorer_width()
        self.history_length = history_length
        self.history_entries = history_entries
        self.max_k = max_k
        self.embedding_dim = embedding_dim
        self.user_input = user_input
        self.item_input = item_input
        self.chunk_size = chunk_size
        # Entry 0 is a padding 0 (see _history.history_arrays).
        self.history_items = self._constant("history_items", (history_entries + 1,))
        self.history_offsets = self._constant(
            "history_offsets", (self.num_users + 1,), initializer="ones"
        )
        self.popularity = self._constant(
            "popularity", (self.num_items,), dtype="float32"
        )
        if family == "two_tower":
            self.item_embeddings = self._constant(
                "item_embeddings", (self.num_items, embedding_dim), dtype="float32"
            )
        self.built = True

    def _constant(self, name, shape, dtype="int32", initializer="zeros"):
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=False,
        )

    def _check_scorer_width(self):
        """Sequence models and autoencoders score one column per item code."""
        if self.family not in ("sequence", "autoencoder"):
            return
        width = self.scorer.outputs[0].shape[-1] if self.scorer.outputs else None
        if width is not None and width != self.num_items:
            raise ValueError(
                "The scorer must output one column per item code: "
                f"item_encoder.vocabulary_size = {self.num_items} columns (build "
                f"it with num_items={self.num_items}). Received: scorer output "
                f"of shape {self.scorer.outputs[0].shape}"
            )

    # ---------------------------------------------------------------- scoring

    def user_history(self, user_codes):
        """int32 `(batch, history_length)`: the users' latest item codes.

        Oldest first, left-padded with 0; empty for code 0 (unknown users).
        """
        user = ops.cast(ops.convert_to_tensor(user_codes), "int32")
        return gather_history(
            ops.convert_to_tensor(self.history_items),
            ops.convert_to_tensor(self.history_offsets),
            user,
            self.history_length,
        )

    def user_model_input(self, user_codes):
        """What the scorer takes for these user codes (`"two_tower"`).

        The codes themselves, in a dict when the user tower takes a dict.
        """
        codes = ops.convert_to_tensor(user_codes, "int32")
        if isinstance(self.scorer.input, dict):
            return {self.user_input: codes}
        return codes

    def _sequence_input(self, history):
        max_len = self.scorer.inputs[0].shape[1]
        width = history.shape[1]
        if width >= max_len:
            return history[:, width - max_len :]
        return ops.pad(history, [(0, 0), (max_len - width, 0)])

    def _full_scores(self, user, history):
        if self.family == "sequence":
            return self.scorer(self._sequence_input(history))
        rows = history_rows(history, self.num_items)
        names = [t.name for t in self.scorer.inputs]
        if len(names) > 1:
            return self.scorer(
                {name: (user if name == self.user_input else rows) for name in names}
            )
        return self.scorer(rows)

    def _chunk_scorer(self, user, history):
        """`(start, size) -> (batch, size)` scores, and the chunk size."""
        if self.family == "two_tower":
            query = self.scorer(self.user_model_input(user))
            embeddings = ops.convert_to_tensor(self.item_embeddings)

            def two_tower(start, size):
                chunk = ops.slice(embeddings, (start, 0), (size, self.embedding_dim))
                return ops.matmul(query, ops.transpose(chunk))

            return two_tower, self.chunk_size
        if self.family == "pair":
            batch = ops.shape(user)[0]

            def pair(start, size):
                users = ops.repeat(user, size, axis=0)
                items = ops.tile(
                    ops.arange(start, start + size, dtype="int32"), (batch,)
                )
                out = self.scorer({self.user_input: users, self.item_input: items})
                return ops.reshape(out, (batch, size))

            return pair, self.chunk_size
        scores = self._full_scores(user, history)
        return (lambda start, size: scores), self.num_items

    def call(self, inputs):
        user = ops.cast(inputs["user_id"], "int32")
        history = inputs.get("history")
        if history is None:
            history = self.user_history(user)
        history = ops.cast(history, "int32")
        if self.family in _USER_FAMILIES:
            fallback = ops.equal(user, 0)
        else:
            fallback = ops.logical_not(ops.any(ops.greater(history, 0), axis=1))
        popularity = ops.convert_to_tensor(self.popularity)
        scorer, chunk_size = self._chunk_scorer(user, history)

        def chunk(start, size):
            scores = ops.where(
                ops.expand_dims(fallback, 1),
                ops.expand_dims(popularity[start : start + size], 0),
                ops.cast(scorer(start, size), "float32"),
            )
            return scores, rankable(history, start, size)

        codes, scores = catalog_top_k(chunk, self.num_items, chunk_size, self.max_k)
        return {"item_code": codes, "score": scores, "fallback": fallback}

    # ---------------------------------------------------------------- serving

    def _check_k(self, k):
        k = check_positive_int("k", k)
        if k > self.max_k:
            raise ValueError(f"`k` must be <= max_k={self.max_k}. Received: k={k}")
        return k

    def recommend(self, user_ids=None, k=10, histories=None):
        """Top-k raw item ids for raw user ids (or raw item histories).

        Args:
            user_ids: 1-D list or array of raw user ids. Unknown ids get the
                popularity fallback (flagged).
            k: int, `1 <= k <= max_k`. Defaults to `10`.
            histories: optional list (one per user) of raw item ids, oldest
                first: replaces the stored histories (as the input of
                sequence models and autoencoders, and as the items not to
                return). With `user_ids=None`, the users are unknown.

        Returns:
            A dict of numpy arrays: `"item_id"` `(batch, k)` raw ids
            (`IdLookup`'s missing id where fewer than k items remain),
            `"score"` `(batch, k)` float32 (-inf there) and `"fallback"`
            `(batch,)` bool.
        """
        k = self._check_k(k)
        if user_ids is None:
            if histories is None:
                raise ValueError("Pass `user_ids`, `histories` or both.")
            user_codes = np.zeros(len(histories), dtype="int32")
        else:
            user_ids = np.asarray(user_ids)
            if user_ids.ndim != 1:
                raise ValueError(
                    f"`user_ids` must be 1-D. Received shape {user_ids.shape}"
                )
            user_codes = backend_utils.to_numpy(self.user_lookup(user_ids))
        inputs = {"user_id": np.asarray(user_codes, dtype="int32")}
        if histories is not None:
            if len(histories) != len(inputs["user_id"]):
                raise ValueError(
                    f"`histories` must hold one entry per user "
                    f"({len(inputs['user_id'])}). Received {len(histories)}"
                )
            inputs["history"] = history_codes(self.item_lookup, histories)
        out = self.predict_on_batch(inputs)
        codes = np.asarray(out["item_code"])[:, :k]
        return {
            "item_id": np.asarray(self.item_ids(codes)),
            "score": np.asarray(out["score"])[:, :k],
            "fallback": np.asarray(out["fallback"]).astype(bool),
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "scorer": keras.saving.serialize_keras_object(self.scorer),
                "family": self.family,
                "user_vocabulary": list(self.user_lookup.vocabulary),
                "item_vocabulary": list(self.item_lookup.vocabulary),
                "history_length": self.history_length,
                "history_entries": self.history_entries,
                "max_k": self.max_k,
                "embedding_dim": self.embedding_dim,
                "user_input": self.user_input,
                "item_input": self.item_input,
                "chunk_size": self.chunk_size,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        # Deserializing consumes the nested config: work on a copy of the
        # scorer's (not of the vocabularies, which may hold millions of ids).
        config = dict(config)
        config["scorer"] = keras.saving.deserialize_keras_object(
            copy.deepcopy(config["scorer"])
        )
        return cls(**config)
