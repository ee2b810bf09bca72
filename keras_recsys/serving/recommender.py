import copy

import keras
import numpy as np
from keras import ops

from keras_recsys.ranking import selection
from keras_recsys.serving.id_lookup import IdLookup
from keras_recsys.utils import backend_utils
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

FAMILIES = ("two_tower", "pair", "sequence", "autoencoder")
# Families whose scores depend on the user id; the others read the history.
_USER_FAMILIES = ("two_tower", "pair")


def _top_positions(valid, scores, k):
    """Positions of the k best valid scores per row, under the tie rule.

    The labels handed to `selection.top_k` carry each column's position
    + 1 (and -1 where not valid), so the labels of its selection name the
    selected columns; empty slots (fewer than k valid columns) have label 0.
    """
    n = scores.shape[1]
    positions = ops.expand_dims(ops.arange(1, n + 1, dtype="float32"), 0)
    labels = ops.where(valid, positions, -1.0)
    topk = selection.top_k(labels, ops.cast(scores, "float32"), k)
    filled = ops.greater(topk.labels, 0.0)
    return ops.maximum(ops.cast(topk.labels, "int32") - 1, 0), filled


def _pick(values, positions, filled, empty):
    picked = ops.take_along_axis(values, positions, axis=1)
    return ops.where(filled, picked, ops.cast(empty, picked.dtype))


def _history_table(user_codes, item_codes, num_users, max_history):
    """(num_users + 1, L) item codes per user code, oldest first, left-padded."""
    order = np.argsort(user_codes, kind="stable")
    users = user_codes[order].astype("int32")
    items = item_codes[order].astype("int32")
    del order
    counts = np.bincount(users, minlength=num_users + 1)
    width = int(counts.max()) if counts.size else 1
    if max_history is not None:
        width = min(width, max_history)
    width = max(width, 1)
    table = np.zeros((num_users + 1, width), dtype="int32")
    ends = np.cumsum(counts)
    # The j-th last item of each user goes to column width - 1 - j.
    from_end = ends[users] - 1 - np.arange(len(users))
    keep = from_end < width
    table[users[keep], width - 1 - from_end[keep]] = items[keep]
    return table


@keras_recsys_export("keras_recsys.serving.Recommender")
class Recommender(keras.Model):
    """Serves a trained model: raw ids in, top-k raw item ids and scores out.

    Wraps a model of any builder family and holds everything serving needs:
    the user and item vocabularies (`keras_recsys.serving.IdLookup` layers),
    each known user's history of items (a padded table, used as the input
    of sequence models and autoencoders and to exclude seen items), and the
    items' popularity, which answers users the model cannot (a user id not
    in the vocabulary, or an empty history) and flags them. It is a
    `keras.Model` of registered layers: `.keras` save and safe-mode load
    keep all of it, and `export` writes a SavedModel whose `recommend`
    signature takes raw user ids and `k`.

    Items are ranked over the whole catalog; seen items are never returned;
    among equal scores the item with the lower code (the earlier one in the
    sorted vocabulary) ranks first, as everywhere in the package. Build it
    with a `from_*` constructor rather than directly:

    - `from_two_tower`: a user tower and the item tower's embeddings of the
      catalog (scored by dot product, `chunk_size` items at a time).
    - `from_pair_scorer`: a model scoring (user, item) pairs, such as NCF
      (every item is scored for every user: small catalogs).
    - `from_sequence_model`: a next-item model (SASRec, GRU4Rec, Caser) read
      on each user's last `max_len` items.
    - `from_autoencoder`: a model reading the user's interaction row
      (Mult-VAE, Mult-DAE, CDAE, AutoRec-style).

    Ids: the model was trained on ids derived from `IdEncoder` codes
    (`1..n`, 0 unknown). `id_base` says which: the model's id of the code
    `c` is `c - 1 + id_base`, so `id_base=1` means the codes themselves
    (the sequence builders' convention, and the tutorial's two-tower) and
    `id_base=0` means `code - 1` (NCF, CDAE, the autoencoders' columns).

    Args:
        scorer: `keras.Model`. The trained model (the user tower for
            `"two_tower"`).
        family: str. One of `"two_tower"`, `"pair"`, `"sequence"`,
            `"autoencoder"`.
        user_vocabulary: list of int or str. Raw user ids
            (`IdEncoder.vocabulary`).
        item_vocabulary: list of int or str. Raw item ids.
        history_length: int. Items kept per user in the history table.
        max_k: int. The largest `k` a call may ask for. Defaults to `100`.
        id_base: int, 0 or 1. See above. Defaults to `1`.
        embedding_dim: int. Size of the item embeddings (`"two_tower"`
            only). Defaults to `None`.
        user_input: str. Name of the scorer's user id input. Defaults to
            `"user_id"`.
        item_input: str. Name of the scorer's item id input (`"pair"`).
            Defaults to `"item_id"`.
        chunk_size: int. Items scored at a time (`"two_tower"`). Defaults
            to `65536`.
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
        num_users=3, num_items=3, embedding_dim=4, hidden_units=(8, 4)
    )
    rec = keras_recsys.serving.Recommender.from_pair_scorer(
        model, users, items, events, max_k=2
    )
    out = rec.recommend(["u1", "nobody"], k=1)
    out["item_id"]  # [["c"], ["b"]]: u1 saw a and b; "nobody" gets the top item
    out["fallback"]  # [False, True]
    ```
    """

    def __init__(
        self,
        scorer,
        family,
        user_vocabulary,
        item_vocabulary,
        history_length,
        max_k=100,
        id_base=1,
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
        max_k = check_positive_int("max_k", max_k)
        id_base = check_int("id_base", id_base, min_value=0, max_value=1)
        chunk_size = check_positive_int("chunk_size", chunk_size)
        if family == "two_tower":
            embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        super().__init__(**kwargs)
        self.scorer = scorer
        self.family = family
        self.user_lookup = IdLookup(user_vocabulary, name="user_lookup")
        self.item_lookup = IdLookup(item_vocabulary, name="item_lookup")
        self.item_ids = IdLookup(item_vocabulary, invert=True, name="item_ids")
        self.num_users = len(self.user_lookup.vocabulary)
        self.num_items = len(self.item_lookup.vocabulary)
        if max_k > self.num_items:
            raise ValueError(
                f"`max_k` must be <= the number of items ({self.num_items}). "
                f"Received: max_k={max_k}"
            )
        self.history_length = history_length
        self.max_k = max_k
        self.id_base = id_base
        self.embedding_dim = embedding_dim
        self.user_input = user_input
        self.item_input = item_input
        self.chunk_size = chunk_size
        self.history = self.add_weight(
            name="history",
            shape=(self.num_users + 1, history_length),
            initializer="zeros",
            dtype="int32",
            trainable=False,
        )
        self.popularity = self.add_weight(
            name="popularity",
            shape=(self.num_items,),
            initializer="zeros",
            trainable=False,
        )
        if family == "two_tower":
            self.item_embeddings = self.add_weight(
                name="item_embeddings",
                shape=(self.num_items, embedding_dim),
                initializer="zeros",
                trainable=False,
            )
        self.built = True

    # ----------------------------------------------------------- constructors

    @classmethod
    def _from_events(
        cls,
        scorer,
        family,
        user_encoder,
        item_encoder,
        interactions,
        user_column,
        item_column,
        max_history,
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
        num_users = user_encoder.vocabulary_size - 1
        num_items = item_encoder.vocabulary_size - 1
        table = _history_table(user_codes, item_codes, num_users, max_history)
        popularity = np.bincount(item_codes - 1, minlength=num_items)
        rec = cls(
            scorer,
            family,
            user_encoder.vocabulary.tolist(),
            item_encoder.vocabulary.tolist(),
            history_length=table.shape[1],
            **kwargs,
        )
        rec.history.assign(table)
        rec.popularity.assign(popularity.astype("float32"))
        return rec

    @classmethod
    def from_two_tower(
        cls,
        user_model,
        item_embeddings,
        user_encoder,
        item_encoder,
        interactions,
        user_column="user",
        item_column="item",
        max_history=None,
        id_base=1,
        **kwargs,
    ):
        """Serves a two-tower model: the user tower and the item embeddings.

        Args:
            user_model: the user tower (`build_two_tower`'s `user_model`),
                whose only input is the user id.
            item_embeddings: float array `(num_items, dim)`: row `j` is the
                embedding of `item_encoder.vocabulary[j]` (the item tower's
                output on the catalog in code order).
            user_encoder, item_encoder: the fitted `IdEncoder` objects.
            interactions: DataFrame of the training interactions, raw ids in
                `user_column` and `item_column`, oldest first: the seen items
                and the popularity.
            max_history: int. Keep at most this many (latest) items per user.
                Defaults to `None` (all).
            id_base: int. See the class. Defaults to `1`.
            **kwargs: other constructor arguments (`max_k`, ...).
        """
        item_embeddings = np.asarray(backend_utils.to_numpy(item_embeddings))
        if item_embeddings.ndim != 2:
            raise ValueError(
                "`item_embeddings` must have shape (num_items, dim). Received "
                f"shape {item_embeddings.shape}"
            )
        rec = cls._from_events(
            user_model,
            "two_tower",
            user_encoder,
            item_encoder,
            interactions,
            user_column,
            item_column,
            max_history,
            id_base=id_base,
            embedding_dim=item_embeddings.shape[1],
            **kwargs,
        )
        if item_embeddings.shape[0] != rec.num_items:
            raise ValueError(
                f"`item_embeddings` must have one row per item ({rec.num_items}). "
                f"Received shape {item_embeddings.shape}"
            )
        rec.item_embeddings.assign(item_embeddings.astype("float32"))
        return rec

    @classmethod
    def from_pair_scorer(
        cls,
        model,
        user_encoder,
        item_encoder,
        interactions,
        user_column="user",
        item_column="item",
        max_history=None,
        id_base=0,
        **kwargs,
    ):
        """Serves a model scoring (user, item) pairs, such as NCF.

        Arguments as `from_two_tower`; `id_base` defaults to `0` (NCF's
        0-based ids, `code - 1`).
        """
        return cls._from_events(
            model,
            "pair",
            user_encoder,
            item_encoder,
            interactions,
            user_column,
            item_column,
            max_history,
            id_base=id_base,
            **kwargs,
        )

    @classmethod
    def from_sequence_model(
        cls,
        model,
        user_encoder,
        item_encoder,
        interactions,
        user_column="user",
        item_column="item",
        max_history=None,
        id_base=1,
        **kwargs,
    ):
        """Serves a next-item model (`build_sasrec`, `build_gru4rec`, ...).

        The model reads each user's last `max_len` items (its input
        `item_sequence`) and returns logits whose column `id` is item `id`.
        Arguments as `from_two_tower`; `id_base` defaults to `1` (the
        sequence builders take the codes `1..n`, 0 padding).
        """
        return cls._from_events(
            model,
            "sequence",
            user_encoder,
            item_encoder,
            interactions,
            user_column,
            item_column,
            max_history,
            id_base=id_base,
            **kwargs,
        )

    @classmethod
    def from_autoencoder(
        cls,
        model,
        user_encoder,
        item_encoder,
        interactions,
        user_column="user",
        item_column="item",
        max_history=None,
        id_base=0,
        **kwargs,
    ):
        """Serves a model reading interaction rows (Mult-VAE, CDAE, ...).

        Column `j` of the row and of the output is item code `j + 1`. A
        model with a `user_input` input (CDAE) also gets the user id.
        Arguments as `from_two_tower`; `id_base` defaults to `0`.
        """
        return cls._from_events(
            model,
            "autoencoder",
            user_encoder,
            item_encoder,
            interactions,
            user_column,
            item_column,
            max_history,
            id_base=id_base,
            **kwargs,
        )

    # ---------------------------------------------------------------- scoring

    def user_model_input(self, user_codes):
        """What the scorer takes for these user codes (`"two_tower"`).

        The model's ids (`code - 1 + id_base`), in a dict when the user
        tower takes a dict.
        """
        ids = self._model_ids(ops.convert_to_tensor(user_codes, "int32"))
        if isinstance(self.scorer.input, dict):
            return {self.user_input: ids}
        return ids

    def _model_ids(self, codes):
        return ops.maximum(codes - 1, 0) + self.id_base

    def _history_rows(self, history):
        """float32 `(batch, num_items)`: 1 where the item is in the history."""
        batch = ops.shape(history)[0]
        width = history.shape[1]
        rows = ops.repeat(
            ops.expand_dims(ops.arange(batch, dtype="int32"), 1), width, 1
        )
        # Padding (code 0) lands in an extra last column, then dropped.
        columns = ops.where(ops.greater(history, 0), history - 1, self.num_items)
        indices = ops.stack([ops.reshape(rows, (-1,)), ops.reshape(columns, (-1,))], 1)
        ones = ops.ones((ops.shape(indices)[0],), "float32")
        dense = ops.scatter(indices, ones, (batch, self.num_items + 1))
        return ops.minimum(dense[:, : self.num_items], 1.0)

    def _sequence_input(self, history):
        max_len = self.scorer.inputs[0].shape[1]
        width = history.shape[1]
        if width >= max_len:
            history = history[:, width - max_len :]
        else:
            history = ops.pad(history, [(0, 0), (max_len - width, 0)])
        return ops.where(ops.greater(history, 0), self._model_ids(history), 0)

    def _full_scores(self, user, history, seen_rows):
        if self.family == "pair":
            batch = ops.shape(user)[0]
            users = ops.repeat(self._model_ids(user), self.num_items, axis=0)
            items = ops.tile(
                ops.arange(self.num_items, dtype="int32") + self.id_base, (batch,)
            )
            out = self.scorer({self.user_input: users, self.item_input: items})
            return ops.reshape(out, (batch, self.num_items))
        if self.family == "sequence":
            out = self.scorer(self._sequence_input(history))
            return out[:, self.id_base : self.id_base + self.num_items]
        names = [t.name for t in self.scorer.inputs]
        if len(names) > 1:
            inputs = {
                name: (self._model_ids(user) if name == self.user_input else seen_rows)
                for name in names
            }
            return self.scorer(inputs)
        return self.scorer(seen_rows)

    def call(self, inputs):
        user = ops.cast(inputs["user_id"], "int32")
        history = inputs.get("history")
        if history is None:
            history = ops.take(self.history, user, axis=0)
        history = ops.cast(history, "int32")
        seen_rows = self._history_rows(history)
        if self.family in _USER_FAMILIES:
            fallback = ops.equal(user, 0)
        else:
            fallback = ops.logical_not(ops.any(ops.greater(history, 0), axis=1))
        popularity = ops.convert_to_tensor(self.popularity)
        if self.family == "two_tower":
            query = self.scorer(self.user_model_input(user))
            chunks = range(0, self.num_items, self.chunk_size)
            embeddings = ops.convert_to_tensor(self.item_embeddings)
        else:
            scores = self._full_scores(user, history, seen_rows)
            chunks = [0]
        best_scores = best_codes = None
        for start in chunks:
            size = min(self.num_items - start, self.chunk_size)
            if self.family == "two_tower":
                chunk = ops.slice(embeddings, (start, 0), (size, self.embedding_dim))
                chunk_scores = ops.matmul(query, ops.transpose(chunk))
                seen = seen_rows[:, start : start + size]
                pop = popularity[start : start + size]
            else:
                size = self.num_items
                chunk_scores, seen, pop = scores, seen_rows, popularity
            chunk_scores = ops.where(
                ops.expand_dims(fallback, 1),
                ops.expand_dims(pop, 0),
                ops.cast(chunk_scores, "float32"),
            )
            positions, filled = _top_positions(
                ops.equal(seen, 0.0), chunk_scores, min(self.max_k, size)
            )
            top_scores = _pick(chunk_scores, positions, filled, float("-inf"))
            top_codes = ops.where(filled, positions + start + 1, 0)
            if best_scores is not None:
                # Earlier chunks hold lower codes: by position, ties keep the
                # lower code first.
                top_scores = ops.concatenate([best_scores, top_scores], axis=1)
                top_codes = ops.concatenate([best_codes, top_codes], axis=1)
                positions, filled = _top_positions(
                    ops.greater(top_codes, 0),
                    top_scores,
                    min(self.max_k, top_scores.shape[1]),
                )
                top_scores = _pick(top_scores, positions, filled, float("-inf"))
                top_codes = _pick(top_codes, positions, filled, 0)
            best_scores, best_codes = top_scores, top_codes
        return {
            "item_code": ops.cast(best_codes, "int32"),
            "score": best_scores,
            "fallback": fallback,
        }

    # ---------------------------------------------------------------- serving

    def _check_k(self, k):
        k = check_positive_int("k", k)
        if k > self.max_k:
            raise ValueError(f"`k` must be <= max_k={self.max_k}. Received: k={k}")
        return k

    def _history_codes(self, histories):
        rows = [np.asarray(h).reshape(-1) for h in histories]
        width = max([len(r) for r in rows] + [1])
        codes = np.zeros((len(rows), width), dtype="int32")
        for i, row in enumerate(rows):
            if len(row):
                row_codes = backend_utils.to_numpy(self.item_lookup(row))
                codes[i, width - len(row) :] = row_codes
        return codes

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
            inputs["history"] = self._history_codes(histories)
        out = self.predict_on_batch(inputs)
        codes = np.asarray(out["item_code"])[:, :k]
        return {
            "item_id": np.asarray(self.item_ids(codes)),
            "score": np.asarray(out["score"])[:, :k],
            "fallback": np.asarray(out["fallback"]).astype(bool),
        }

    def recommend_batches(self, user_ids=None, k=10, batch_size=1024):
        """Yields recommendations as DataFrames `user, rank, item, score`.

        A batch job: one DataFrame per `batch_size` users (all known users,
        in vocabulary order, by default), so memory stays bounded by one
        batch whatever the number of users. Rank is 1-based; empty slots
        (fewer than k unseen items) are left out.

        Args:
            user_ids: optional 1-D raw user ids. Defaults to all known users.
            k: int. Defaults to `10`.
            batch_size: int. Users per DataFrame. Defaults to `1024`.

        Yields:
            `pandas.DataFrame` with columns `user`, `rank`, `item`, `score`.
        """
        import pandas as pd

        k = self._check_k(k)
        batch_size = check_positive_int("batch_size", batch_size)
        users = np.asarray(
            self.user_lookup.vocabulary if user_ids is None else user_ids
        )
        for start in range(0, len(users), batch_size):
            batch = users[start : start + batch_size]
            # Pad the last batch to the same size: one compiled shape.
            padded = np.concatenate(
                [batch, np.repeat(batch[-1:], batch_size - len(batch))]
            )
            out = self.recommend(padded, k=k)
            scores = out["score"][: len(batch)]
            keep = np.isfinite(scores).reshape(-1)
            yield pd.DataFrame(
                {
                    "user": np.repeat(batch, k)[keep],
                    "rank": np.tile(np.arange(1, k + 1, dtype="int32"), len(batch))[
                        keep
                    ],
                    "item": out["item_id"][: len(batch)].reshape(-1)[keep],
                    "score": scores.reshape(-1)[keep],
                }
            )

    def write_recommendations(self, path, user_ids=None, k=10, batch_size=1024):
        """Writes `recommend_batches` to a CSV or Parquet file, batch by batch.

        Args:
            path: str. A `.parquet` path (needs pyarrow) or any other path
                (CSV with a header).
            user_ids, k, batch_size: as `recommend_batches`.

        Returns:
            The number of rows written.
        """
        path = str(path)
        rows = 0
        writer = None
        try:
            for i, frame in enumerate(self.recommend_batches(user_ids, k, batch_size)):
                if path.endswith(".parquet"):
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(path, table.schema)
                    writer.write_table(table)
                else:
                    frame.to_csv(
                        path, mode="w" if i == 0 else "a", header=i == 0, index=False
                    )
                rows += len(frame)
        finally:
            if writer is not None:
                writer.close()
        return rows

    def export(self, filepath, format="tf_saved_model", verbose=None, **kwargs):
        """Exports a TensorFlow SavedModel with a `recommend` signature.

        The signature takes `user_id`: raw ids `(batch,)` (`tf.string` or
        `tf.int64`, as the vocabulary) and `k`: an int32 scalar
        (`1 <= k <= max_k`), and returns `item_id` `(batch, k)` raw ids,
        `score` `(batch, k)` and `fallback` `(batch,)`: the answers of
        `recommend`. It is also the `serving_default` signature, and loads
        with `tf.saved_model.load` alone (no Keras, no keras_recsys), as
        TensorFlow Serving loads it. Works on the TensorFlow backend. On
        JAX, Keras converts through `jax2tf`; the export is checked by
        running the signature once and raises a `RuntimeError` when the
        installed TensorFlow cannot run it (with jax 0.10 and
        TensorFlow 2.21 it cannot: newer StableHLO). On PyTorch it raises
        `NotImplementedError`. On both, load the `.keras` file under
        `KERAS_BACKEND=tensorflow` and export there (the file does not
        depend on the backend).

        Args:
            filepath: str. The SavedModel directory.
            format: str. Only `"tf_saved_model"` (see docs/serving.md for
                ONNX). Defaults to `"tf_saved_model"`.
            verbose: bool. Print the signatures. Defaults to `None` (no).
            **kwargs: passed to `ExportArchive.add_endpoint` (JAX options).
        """
        check_one_of("format", format, ("tf_saved_model",))
        if backend_utils.backend() not in ("tensorflow", "jax"):
            raise NotImplementedError(
                "Recommender.export needs the TensorFlow or JAX backend: Keras "
                "exports PyTorch models to SavedModel only through torch_xla, "
                "which cannot carry the id lookup tables. Save the model "
                "(`model.save('m.keras')`), load it with "
                "KERAS_BACKEND=tensorflow and export it there."
            )
        import tensorflow as tf

        archive = keras.export.ExportArchive()
        archive.track(self)
        core = archive.add_endpoint(
            "recommend_codes",
            lambda user_id: self.call({"user_id": user_id}),
            input_signature=[keras.InputSpec(shape=(None,), dtype="int32")],
            **kwargs,
        )
        users, items = self.user_lookup, self.item_ids
        key_dtype = tf.string if users.kind == "string" else tf.int64

        @tf.function(
            input_signature=[
                tf.TensorSpec([None], key_dtype, name="user_id"),
                tf.TensorSpec([], tf.int32, name="k"),
            ]
        )
        def recommend(user_id, k):
            tf.debugging.assert_greater(k, 0, message="`k` must be >= 1")
            tf.debugging.assert_less_equal(
                k, self.max_k, message=f"`k` must be <= max_k={self.max_k}"
            )
            out = core(users.tf_lookup(user_id))
            return {
                "item_id": items.tf_lookup(out["item_code"][:, :k]),
                "score": out["score"][:, :k],
                "fallback": out["fallback"],
            }

        recommend.get_concrete_function()
        try:
            # A JAX export is StableHLO run by TensorFlow's XlaCallModule;
            # check now that this TensorFlow can run what this JAX wrote.
            recommend(tf.constant(users.vocabulary[:1], key_dtype), tf.constant(1))
        except tf.errors.OpError as error:
            raise RuntimeError(
                "The exported recommend signature does not run in this "
                f"TensorFlow ({tf.__version__}) on the {backend_utils.backend()} "
                "backend: the StableHLO the installed JAX writes is newer than the "
                "one TensorFlow reads. Save the model (`model.save('m.keras')`), "
                "load it with KERAS_BACKEND=tensorflow and export it there, or "
                "install a JAX release matching this TensorFlow. First error "
                f"line: {str(error).splitlines()[0][:300]}"
            ) from None
        for table in users.tf_resources + items.tf_resources:
            archive.track(table)
        archive.add_endpoint("recommend", recommend)
        archive.add_endpoint("serving_default", recommend)
        archive.write_out(filepath, verbose=bool(verbose))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "scorer": keras.saving.serialize_keras_object(self.scorer),
                "family": self.family,
                "user_vocabulary": list(self.user_lookup.vocabulary),
                "item_vocabulary": list(self.item_lookup.vocabulary),
                "history_length": self.history_length,
                "max_k": self.max_k,
                "id_base": self.id_base,
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
