"""Next-item recommendation on ML-1M (users 1-2999): SASRec, BERT4Rec, GRU4Rec, Caser.

Data: the verbatim first 487,650 lines of ML-1M `ratings.dat` (users
1-2999, exact timestamps) at
`$KERAS_RECSYS_DATA/ml-1m/ratings.prefix-users-0001-2999.dat.gz`, read with
`keras_recsys.data.read_interactions`, item codes from
`keras_recsys.data.IdEncoder` (codes 1..n, 0 = padding). Each user's ratings
are put in time order (ties keep the file order); the last item is the test
item, the one before it the validation item.

Protocols, both reported as HR@10 and NDCG@10:
  (a) sampled, as in the SASRec paper: the test item ranked against 100
      items drawn uniformly from those the user never rated;
  (b) full catalog: the test item ranked against every item the user has
      not rated before (the history is excluded).
Both are computed twice: with `keras_recsys.evaluation.evaluate_topk` and
with the plain numpy ranking below (an independent cross-check).

Training (one model object trains and ranks):
  `sasrec`, `gru4rec`, `caser`: every position of each user's training
  sequence (all items but the last two) predicts the next item, with full
  softmax cross-entropy over the catalog (for `sasrec` computed by
  `RealPositionSoftmax` below, which skips the padded positions, and with
  the learning rate falling linearly to 0 over the last 40% of its time
  budget, `--decay-shares`, both chosen by validation NDCG@10); the three
  SASRec rows use dropout 0.1 instead of 0.2 (`--dropouts`, chosen by each
  row's validation NDCG@10), GRU4Rec keeps 0.2;
  `sasrec_sampled3000`: `keras_recsys.losses.SampledSoftmaxLoss`, 3,000
  uniform negatives per batch (Klenitskiy & Vasilev 2023);
  `sasrec_gbce`: `keras_recsys.losses.GBCELoss` (gSASRec, 256 negatives,
  t = 0.75). A binary loss with many negatives first drives every score
  to the same negative value (the loss sits at about
  `beta * log(k / beta) + beta`, ranking no better than popularity) and
  only leaves that plateau after many epochs; a plain Keras GRU with full
  binary cross-entropy on a deterministic item chain does the same. So
  its early stopping waits for the whole budget (`--patiences`);
  `bert4rec`: `keras_recsys.models.build_bert4rec` with
  `keras_recsys.data.MaskedItemDataset` (mask probability 0.2, 10% of the
  chunks with only their last item masked, redrawn every epoch), full
  softmax cross-entropy at the masked positions.
Long histories are cut into chunks of `max_len` items. Validation is
`keras_recsys.callbacks.TopKEvaluation` (full catalog, history excluded)
after every epoch, the epoch chosen by `keras.callbacks.EarlyStopping` on
`val_ndcg@10` (best weights restored), within a per-model training-time
budget. The test input is the whole history but the test item.

Run (holding the team's benchmark lock; one model per call with
`--models NAME`, results merged into the JSON):

    KERAS_RECSYS_DATA=/work/shared/data \\
        flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/sequential_ml1m.py

`--quick` trains each model on 200 users for one epoch (a smoke test).

Large catalog (`--models large_catalog`): SASRec with `SampledSoftmaxLoss`
(3,000 negatives) over a synthetic catalog of 1,000,000 items, in a child
process: steps per second and the peak resident memory of that process
(`resource.getrusage`; Python's own allocations by `tracemalloc`).
`--quick` times 3 steps of batch 32, the full run 20 steps of batch 128.
"""

import argparse
import json
import os
import pathlib
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import keras
import numpy as np
from keras import ops

import keras_recsys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

DATA_FILE = "ml-1m/ratings.prefix-users-0001-2999.dat.gz"
RESULTS = pathlib.Path(__file__).parent / "results" / "sequential_ml1m.json"
PAPER_SAMPLED = {  # SASRec paper, all 6,040 ML-1M users, protocol (a)
    "sasrec": {"hr@10": 0.8245, "ndcg@10": 0.5905},
    "gru4rec": {"hr@10": 0.7501, "ndcg@10": 0.5513},
    "caser": {"hr@10": 0.7886, "ndcg@10": 0.5538},
    "bert4rec (Sun et al. 2019)": {"hr@10": 0.6970, "ndcg@10": 0.4818},
}
REFERENCES_FULL = {  # all 6,040 ML-1M users, protocol (b)
    "sasrec_full_ce (Klenitskiy & Vasilev 2023)": {"hr@10": 0.3152, "ndcg@10": 0.1821},
    "sasrec_3000_negatives (Klenitskiy & Vasilev 2023)": {
        "hr@10": 0.3159,
        "ndcg@10": 0.1857,
    },
    "bert4rec (Klenitskiy & Vasilev 2023)": {"hr@10": 0.2843, "ndcg@10": 0.1537},
    "sasrec_bce_1_negative (Klenitskiy & Vasilev 2023)": {
        "hr@10": 0.2500,
        "ndcg@10": 0.1341,
    },
    "gsasrec_256_negatives (Petrov & Macdonald 2023)": {
        "recall@10": 0.3003,
        "ndcg@10": 0.1726,
    },
}
RECBOLE_FULL = {  # RecBole 1.2.1 on this data, protocol (b)
    "gru4rec": {"hr@10": 0.256, "ndcg@10": 0.139},
    "sasrec": {"hr@10": 0.226, "ndcg@10": 0.117},
}
# Training variants of SASRec: the loss and its negatives.
LOSSES = {
    "sasrec": ("full", None),
    "sasrec_sampled3000": ("sampled", 3000),
    "sasrec_gbce": ("gbce", 256),
}
MODELS = (*LOSSES, "bert4rec", "gru4rec", "caser")


def load_sequences(path, max_users=None):
    """Per-user item codes in time order (stable on ties) and the table size."""
    df = keras_recsys.data.read_interactions(
        path, sep="::", names=["user_id", "item_id", "rating", "timestamp"]
    )
    encoder = keras_recsys.data.IdEncoder().fit(df["item_id"])
    codes = encoder.transform(df["item_id"])
    users = df["user_id"].to_numpy()
    # lexsort is stable: equal (user, time) keep the file's line order.
    order = np.lexsort((df["timestamp"].to_numpy(), users))
    bounds = np.flatnonzero(np.diff(users[order])) + 1
    sequences = np.split(codes[order].astype("int64"), bounds)
    if max_users is not None:
        sequences = sequences[:max_users]
    return sequences, encoder.vocabulary_size


def left_pad(rows, length):
    out = np.zeros((len(rows), length), dtype="int32")
    for r, row in enumerate(rows):
        row = row[len(row) - length :] if len(row) > length else row
        if len(row):
            out[r, length - len(row) :] = row
    return out


def next_item_chunks(sequences, max_len):
    """Inputs and next-item targets, every transition once, left-padded."""
    inputs, targets = [], []
    for seq in sequences:
        train = seq[:-2]
        end = len(train)
        while end > 1:
            start = max(0, end - max_len - 1)
            chunk = train[start:end]
            inputs.append(chunk[:-1])
            targets.append(chunk[1:])
            end = start + 1
    return left_pad(inputs, max_len), left_pad(targets, max_len)


def item_chunks(sequences, max_len):
    """Each user's training items (all but the last two) in chunks of max_len."""
    chunks = []
    for seq in sequences:
        train = seq[:-2]
        for end in range(len(train), 0, -max_len):
            chunks.append(train[max(0, end - max_len) : end])
    return left_pad(chunks, max_len)


def rank_metrics(ranks, k=10):
    ranks = np.asarray(ranks)
    hit = ranks < k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean()),
    }


def full_catalog_ranks(scores, targets, histories):
    """Rank of each target among the items outside the user's history.

    Ties rank the lower item code first (the package's tie rule); code 0 is
    never ranked.
    """
    scores = np.array(scores, dtype="float64")
    scores[:, 0] = -np.inf
    ranks = np.empty(len(targets), dtype="int64")
    for u, (target, history) in enumerate(zip(targets, histories)):
        row = scores[u]
        row[history] = -np.inf
        s = row[target]
        ranks[u] = np.sum(row > s) + np.sum(row[:target] == s)
    return ranks


def sampled_ranks(scores, candidates):
    """Rank of column 0 of `candidates` (the test item) among its row."""
    picked = np.take_along_axis(np.asarray(scores, "float64"), candidates, axis=1)
    return np.sum(picked > picked[:, :1], axis=1)  # ties favour the test item


def is_masked(name):
    return name == "bert4rec"


def input_length(name, args):
    # BERT4Rec appends its [MASK] token to the history it is given.
    return args.max_len - 1 if is_masked(name) else args.max_len


def dropout(name, args):
    """`name`'s dropout rate: its `--dropouts` entry, else `--dropout`."""
    return per_model(args.dropouts, name, args.dropout, float)


def build(name, num_items, args):
    common = dict(num_items=num_items, max_len=args.max_len, embedding_dim=args.dim)
    if name in LOSSES:
        return keras_recsys.models.build_sasrec(
            num_blocks=2,
            num_heads=1,
            dropout=dropout(name, args),
            training_output="states",  # every loss scores the states itself
            seed=args.seed,
            **common,
        )
    if name == "bert4rec":
        return keras_recsys.models.build_bert4rec(
            num_blocks=2, num_heads=2, dropout=args.bert_dropout, **common
        )
    if name == "gru4rec":
        return keras_recsys.models.build_gru4rec(
            cell="gru", dropout=dropout(name, args), **common
        )
    if name == "caser":
        return keras_recsys.models.build_caser(
            window=5, num_horizontal=16, num_vertical=4, dropout=0.5, **common
        )
    raise ValueError(f"unknown model {name!r}; choose from {MODELS}")


class RealPositionSoftmax(keras.losses.Loss):
    """Full softmax cross-entropy over the catalog at the real positions.

    `y_pred` are the per-position states (`training_output="states"`),
    `y_true` the next-item codes (0 = padding). The states carry the
    encoder's padding mask, which Keras's loss reduction applies, so the
    value is the mean over the real positions: that of
    `SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)` on the
    tied logits. On TensorFlow the real positions are gathered before the
    states are scored against the catalog, so the padded quarter of the
    positions costs nothing; other backends score every position (static
    shapes).
    """

    def __init__(self, item_embedding):
        super().__init__(reduction="sum_over_batch_size", name="real_position_softmax")
        self.item_embedding = item_embedding

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        real = ops.greater(y_true, 0)
        score = self.item_embedding.score_catalog  # column 0 very negative
        if keras.backend.backend() != "tensorflow":
            per_position = ops.sparse_categorical_crossentropy(
                y_true, score(y_pred), from_logits=True
            )
            return per_position * ops.cast(real, per_position.dtype)
        import tensorflow as tf

        per_real = ops.sparse_categorical_crossentropy(
            tf.boolean_mask(y_true, real),
            score(tf.boolean_mask(y_pred, real)),
            from_logits=True,
        )
        return tf.scatter_nd(
            tf.where(real), per_real, tf.shape(y_true, out_type="int64")
        )


def training_loss(name, model):
    kind, negatives = LOSSES.get(name, ("full", None))
    if name in LOSSES and kind == "full":  # SASRec; GRU4Rec and Caser: logits
        return RealPositionSoftmax(model.get_layer("item_embedding"))
    if kind == "sampled":
        return keras_recsys.losses.SampledSoftmaxLoss(
            model.get_layer("item_embedding"), num_negatives=negatives
        )
    if kind == "gbce":
        return keras_recsys.losses.GBCELoss(
            model.get_layer("item_embedding"), num_negatives=negatives, t=0.75
        )
    if is_masked(name):  # the masked positions carry the sample weights
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)


def training_data(name, sequences, num_items, args):
    """`fit` arguments: arrays or a `PyDataset`, and the number of chunks."""
    if is_masked(name):
        chunks = item_chunks(sequences, args.max_len)
        data = keras_recsys.data.MaskedItemDataset(
            chunks,
            num_items=num_items,
            batch_size=args.batch_size,
            mask_probability=0.2,
            last_item_probability=0.1,
            seed=args.seed,
        )
        return dict(x=data), len(chunks)
    x, y = next_item_chunks(sequences, args.max_len)
    return dict(x=x, y=y, batch_size=args.batch_size, shuffle=True), len(x)


def split(sequences, name, args, cut):
    """Query inputs, targets and histories with the last `cut` items held out."""
    histories = [s[:-cut] for s in sequences]
    inputs = left_pad(histories, input_length(name, args))
    return inputs, np.array([int(s[-cut]) for s in sequences]), histories


class TrainingClock(keras.callbacks.Callback):
    """Seconds of each training epoch (validation excluded); a time budget.

    Placed first in `callbacks=`, so its `on_epoch_end` runs before the
    validation ranking of `TopKEvaluation`.
    """

    def __init__(self, budget):
        super().__init__()
        self.budget = budget
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def elapsed(self):
        """Training seconds so far, the running epoch included."""
        return sum(self.seconds) + time.perf_counter() - self._start

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        if sum(self.seconds) > self.budget:
            self.model.stop_training = True


class BudgetDecay(keras.callbacks.Callback):
    """Learning rate constant, then falling linearly to 0 over the last
    `share` of the training-time budget (read from a `TrainingClock`).

    A time budget rather than an epoch count, so the decay ends where the
    budget does whatever the speed of the machine.
    """

    def __init__(self, clock, base, share):
        super().__init__()
        self.clock, self.base, self.share = clock, base, share

    def on_train_batch_begin(self, batch, logs=None):
        left = max(self.clock.budget - self.clock.elapsed(), 0.0)
        left /= self.share * self.clock.budget
        self.model.optimizer.learning_rate.assign(self.base * min(1.0, left))


class PrintEpoch(keras.callbacks.Callback):
    def __init__(self, name, clock):
        super().__init__()
        self.name, self.clock = name, clock

    def on_epoch_end(self, epoch, logs=None):
        print(
            f"  {self.name} epoch {epoch + 1}: {self.clock.seconds[-1]:.1f}s "
            f"lr {float(self.model.optimizer.learning_rate):.2e} "
            f"loss {logs['loss']:.4f} val ndcg@10 {logs['val_ndcg@10']:.4f} "
            f"hr@10 {logs['val_hit_rate@10']:.4f}",
            flush=True,
        )


def per_model(overrides, name, default, cast):
    """`name`'s value in a `"model=value,..."` option, else `default`."""
    values = dict(item.split("=") for item in overrides.split(",") if item)
    return cast(values.get(name, default))


def train_and_evaluate(name, sequences, num_items, candidates, args):
    keras.utils.set_random_seed(args.seed)
    model = build(name, num_items, args)
    model.compile(
        optimizer=keras.optimizers.Adam(args.lr), loss=training_loss(name, model)
    )
    fit_args, num_chunks = training_data(name, sequences, num_items, args)
    clock = TrainingClock(per_model(args.time_budgets, name, args.time_budget, float))
    val_inputs, val_targets, val_histories = split(sequences, name, args, 2)
    validation = keras_recsys.callbacks.TopKEvaluation(
        (val_inputs, val_targets),
        metrics=("hit_rate", "ndcg"),
        k=10,
        exclude=val_histories,
        num_items=num_items,
        verbose=0,
    )
    stop = keras.callbacks.EarlyStopping(
        monitor="val_ndcg@10",
        mode="max",
        patience=per_model(args.patiences, name, args.patience, int),
        restore_best_weights=True,
    )
    decay = per_model(args.decay_shares, name, 0.0, float)
    schedule = [BudgetDecay(clock, args.lr, decay)] if decay > 0 else []
    history = model.fit(
        **fit_args,
        epochs=args.epochs,
        callbacks=[clock, *schedule, validation, stop, PrintEpoch(name, clock)],
        verbose=0,
    )
    best_epoch = int(np.argmax(history.history["val_ndcg@10"])) + 1
    inputs, targets, histories = split(sequences, name, args, 1)
    scores = model.predict(inputs, batch_size=256, verbose=0)
    common = dict(metrics=("hit_rate", "ndcg"), ks=(10,), num_items=num_items)
    full = keras_recsys.evaluation.evaluate_topk(
        model, inputs, targets, exclude=histories, verbose=0, **common
    )
    sampled = keras_recsys.evaluation.evaluate_topk(
        model, inputs, targets, candidates=candidates, verbose=0, **common
    )
    return {
        "protocol_a_sampled": rank_metrics(sampled_ranks(scores, candidates)),
        "protocol_b_full": rank_metrics(full_catalog_ranks(scores, targets, histories)),
        "evaluate_topk": {"protocol_a_sampled": sampled, "protocol_b_full": full},
        "best_epoch": best_epoch,
        "epochs_run": len(clock.seconds),
        "seconds_per_epoch": float(np.mean(clock.seconds)),
        "epoch_seconds": [round(t, 2) for t in clock.seconds],
        "train_seconds_total": float(np.sum(clock.seconds)),
        "train_seconds_to_best_epoch": float(np.sum(clock.seconds[:best_epoch])),
        "time_budget_seconds": clock.budget,
        "patience": stop.patience,
        "dropout": dropout(name, args) if name in (*LOSSES, "gru4rec") else None,
        "lr_decay_share_of_budget": decay,
        "validation_history": [
            {
                "epoch": e + 1,
                "loss": float(history.history["loss"][e]),
                "hr@10": float(history.history["val_hit_rate@10"][e]),
                "ndcg@10": float(history.history["val_ndcg@10"][e]),
            }
            for e in range(len(history.history["loss"]))
        ],
        "num_training_chunks": int(num_chunks),
    }


def most_popular(sequences, num_items, candidates):
    counts = np.zeros(num_items)
    for s in sequences:
        np.add.at(counts, s[:-1], 1.0)  # every rating but the test ones
    scores = np.broadcast_to(counts, (len(sequences), num_items))
    targets = [int(s[-1]) for s in sequences]
    histories = [s[:-1] for s in sequences]
    return {
        "protocol_a_sampled": rank_metrics(sampled_ranks(scores, candidates)),
        "protocol_b_full": rank_metrics(full_catalog_ranks(scores, targets, histories)),
    }


def large_catalog(num_items, steps, batch_size, max_len, negatives, seed):
    """SASRec + sampled softmax over a synthetic catalog of `num_items` codes.

    Runs in its own process (see `main`) so that its peak resident memory is
    its own. Returns steps per second and peak memory figures.
    """
    keras.utils.set_random_seed(seed)
    tracemalloc.start()
    rng = np.random.default_rng(seed)
    sequences = rng.integers(1, num_items, (batch_size * steps, max_len + 1))
    x = sequences[:, :-1].astype("int32")
    y = sequences[:, 1:].astype("int32")
    model = keras_recsys.models.build_sasrec(
        num_items=num_items,
        max_len=max_len,
        embedding_dim=64,
        num_blocks=2,
        dropout=0.2,
        training_output="states",
        seed=seed,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.SampledSoftmaxLoss(
            model.get_layer("item_embedding"), num_negatives=negatives
        ),
    )
    # The first step compiles; the timed steps follow.
    model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    logits = model.predict(x[:8], verbose=0)
    _, traced_peak = tracemalloc.get_traced_memory()
    return {
        "num_items": num_items,
        "table_rows": int(model.get_layer("item_embedding").embeddings.shape[0]),
        "num_negatives": negatives,
        "batch_size": batch_size,
        "max_len": max_len,
        "timed_steps": steps,
        "steps_per_second": steps / seconds,
        "loss_last": float(history.history["loss"][-1]),
        "predict_logits_shape": list(logits.shape),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_python_allocations_mib": traced_peak / 2**20,
    }


def run_large_catalog(args):
    """`large_catalog` in a child process; its JSON result."""
    command = [
        sys.executable,
        __file__,
        "--only-large-catalog",
        "--large-catalog-items",
        str(args.large_catalog_items),
        "--large-catalog-steps",
        str(args.large_catalog_steps),
        "--large-catalog-batch",
        str(args.large_catalog_batch),
        "--large-catalog-negatives",
        str(args.large_catalog_negatives),
        "--seed",
        str(args.seed),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_table(results):
    print(
        f"\n{'model':20s} {'(a) HR@10':>10s} {'(a) NDCG@10':>12s} "
        f"{'(b) HR@10':>10s} {'(b) NDCG@10':>12s} {'s/epoch':>8s} {'best ep':>8s} "
        f"{'train s':>8s}"
    )
    for name, r in results.items():
        if "protocol_a_sampled" not in r:
            continue
        a, b = r["protocol_a_sampled"], r["protocol_b_full"]
        extra = (
            f"{r['seconds_per_epoch']:8.1f} {r['best_epoch']:8d} "
            f"{r['train_seconds_total']:8.0f}"
            if "seconds_per_epoch" in r
            else ""
        )
        print(
            f"{name:20s} {a['hr@10']:10.4f} {a['ndcg@10']:12.4f} "
            f"{b['hr@10']:10.4f} {b['ndcg@10']:12.4f} {extra}"
        )
    large = results.get("large_catalog_sampled_softmax")
    if large:
        print(
            f"\nSASRec + SampledSoftmaxLoss ({large['num_negatives']} negatives) over "
            f"{large['num_items']:,} items: {large['steps_per_second']:.2f} steps/s "
            f"(batch {large['batch_size']} x {large['max_len']}), peak RSS "
            f"{large['peak_rss_mib']:.0f} MiB"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join((*MODELS, "large_catalog")))
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument(
        "--dropouts",
        default="sasrec=0.1,sasrec_sampled3000=0.1,sasrec_gbce=0.1",
        help="per-model dropout, overriding --dropout (e.g. sasrec=0.1)",
    )
    parser.add_argument("--bert-dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument(
        "--patiences",
        default="sasrec=20,sasrec_gbce=200",
        help="per-model patience, overriding --patience (gBCE first sits on a "
        "constant-score plateau for many epochs, see the module docstring)",
    )
    parser.add_argument(
        "--time-budget", type=float, default=1200.0, help="training seconds per model"
    )
    parser.add_argument(
        "--time-budgets",
        default="sasrec_sampled3000=1200,sasrec_gbce=600,bert4rec=420,"
        "gru4rec=150,caser=120",
        help="per-model training seconds, overriding --time-budget",
    )
    parser.add_argument(
        "--decay-shares",
        default="sasrec=0.4",
        help="per-model share of the time budget over which the learning rate "
        "falls linearly to 0 at the budget's end (0: constant)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--large-catalog-items", type=int, default=1_000_000)
    parser.add_argument("--large-catalog-steps", type=int, default=20)
    parser.add_argument("--large-catalog-batch", type=int, default=128)
    parser.add_argument("--large-catalog-negatives", type=int, default=3000)
    parser.add_argument(
        "--only-large-catalog", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.only_large_catalog:
        result = large_catalog(
            args.large_catalog_items,
            args.large_catalog_steps,
            args.large_catalog_batch,
            50,
            args.large_catalog_negatives,
            args.seed,
        )
        print(json.dumps(result))
        return
    if args.quick:
        args.epochs, args.max_len, args.dim = 1, 20, 16
        args.large_catalog_steps, args.large_catalog_batch = 3, 32
    sequences, num_items = load_sequences(
        _common.data_path(DATA_FILE), 200 if args.quick else None
    )
    candidates = keras_recsys.data.sampled_candidates(
        user_ids=np.arange(len(sequences)),
        heldout_items=np.array([int(s[-1]) for s in sequences]),
        interactions=dict(enumerate(sequences)),
        num_items=num_items,
        num_negatives=100,
        seed=args.seed,
    )
    print(
        f"{len(sequences)} users, table size {num_items}, "
        f"{sum(len(s) for s in sequences)} ratings; backend "
        f"{keras.backend.backend()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    output = pathlib.Path(args.output)
    # Each model's figures are merged into the recorded ones: one model per
    # call keeps the benchmark lock for one training at a time.
    results = {}
    if not args.quick and output.exists():
        results = json.loads(output.read_text()).get("results", {})
    results["most_popular"] = most_popular(sequences, num_items, candidates)
    for name in args.models.split(","):
        if name == "large_catalog":
            results["large_catalog_sampled_softmax"] = run_large_catalog(args)
        else:
            result = train_and_evaluate(name, sequences, num_items, candidates, args)
            result["command"] = command_line(name)
            results[name] = result
        if not args.quick:  # keep what is done if a later model fails
            write_report(output, sequences, num_items, args, results)
    print_table(results)


def command_line(name):
    env = f"KERAS_RECSYS_DATA=/work/shared/data KERAS_BACKEND={keras.backend.backend()}"
    return _common.command(__file__, ["--models", name], env=env)


def write_report(output, sequences, num_items, args, results):
    report = {
        "data": DATA_FILE,
        "num_users": len(sequences),
        "num_items": num_items,
        "settings": {k: v for k, v in vars(args).items() if k != "models"},
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "results": results,
        "reference_sasrec_paper_protocol_a_all_6040_users": PAPER_SAMPLED,
        "reference_protocol_b_all_6040_users": REFERENCES_FULL,
        "reference_recbole_protocol_b_this_data": RECBOLE_FULL,
    }
    _common.write_results(output, report)


if __name__ == "__main__":
    main()
