"""The registry of the demo's model recipes.

A recipe trains one model on `DemoData` and returns `(scorer, queries,
loss_history)` for `keras_recsys.evaluation.evaluate_topk`. Adding a model to
the demo is one function here:

```python
@recipe("bpr", "BPR-MF", "build_ncf(variant='gmf') with BPRLoss", epochs=10)
def train_bpr(data, epochs, run):
    ...
    return scorer, data.eval_users, losses
```

`run` carries the seed, the label and `run.callbacks()` (the progress
logger). The console script lists the registry in `--help` and `--models`.
"""

import dataclasses
import functools
import time

SEQUENCE_LENGTH = 50


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    label: str
    description: str
    train: object
    epochs: int = 0
    # The synthetic data is 8x smaller than ML-100K; some models need more
    # (cheap) epochs there.
    synthetic_epochs: int | None = None

    def default_epochs(self, dataset):
        if dataset == "synthetic" and self.synthetic_epochs is not None:
            return self.synthetic_epochs
        return self.epochs


RECIPES = {}


def recipe(name, label, description, epochs=0, synthetic_epochs=None):
    """Registers the decorated trainer as the demo model `name`."""

    def register(train):
        RECIPES[name] = Recipe(
            name, label, description, train, epochs, synthetic_epochs
        )
        return train

    return register


@dataclasses.dataclass
class Run:
    """What a recipe needs from the command line."""

    label: str
    seed: int
    quiet: bool

    def callbacks(self, epochs):
        return [_epoch_logger(self.label, epochs, self.quiet)]


def _epoch_logger(label, epochs, quiet):
    import keras

    class EpochLogger(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            # About ten progress lines per model, whatever the epochs.
            every = max(1, round(epochs / 10))
            if quiet or ((epoch + 1) % every and epoch + 1 != epochs):
                return
            loss = (logs or {}).get("loss", float("nan"))
            print(
                f"    {label} epoch {epoch + 1}/{epochs}  loss {loss:.4f}  "
                f"({time.perf_counter() - self.start:.1f}s/epoch)",
                flush=True,
            )

    return EpochLogger()


def _losses(history):
    return [float(v) for v in history.history.get("loss", [])]


@recipe("popularity", "MostPopular", "baseline: items ranked by training count")
def train_popularity(data, epochs, run):
    from keras_recsys import evaluation

    return evaluation.most_popular_scorer(data.item_counts), data.eval_users, []


def _train_ncf(variant, data, epochs, run):
    import keras

    from keras_recsys import data as krd
    from keras_recsys import evaluation
    from keras_recsys import models

    model = models.build_ncf(
        num_users=data.num_users,
        num_items=data.num_items,
        variant=variant,
        embedding_dim=32,
        hidden_units=(64, 32),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    # Each training pair with 4 fresh negatives per epoch, as rows with 1/0
    # labels: about 2,048 rows per batch.
    dataset = krd.TripletDataset(
        data.train["user_id"].to_numpy(),
        data.train["item_id"].to_numpy(),
        num_items=data.num_items,
        num_negatives=4,
        batch_size=2048 // 5,
        positives=data.train_matrix,
        layout="pointwise",
        seed=run.seed,
    )
    history = model.fit(
        dataset, epochs=epochs, verbose=0, callbacks=run.callbacks(epochs)
    )
    return evaluation.pairwise_scorer(model), data.eval_users, _losses(history)


for _name, _variant, _label, _what in (
    ("ncf", "neumf", "NCF (NeuMF)", "build_ncf, log loss on 4 sampled negatives"),
    ("gmf", "gmf", "NCF (GMF)", "build_ncf(variant='gmf'), log loss on 4 negatives"),
):
    recipe(_name, _label, _what, epochs=4, synthetic_epochs=20)(
        functools.partial(_train_ncf, _variant)
    )


def _train_sequential(builder_name, data, epochs, run, **builder_kwargs):
    import keras
    import numpy as np

    from keras_recsys import data as krd
    from keras_recsys import models

    builder = getattr(models, builder_name)
    # Next-item targets at every position of each user's training history;
    # padding (target 0) is ignored by the loss. One model trains (every
    # position) and recommends (the last real position).
    sequences = krd.build_sequences(data.train, max_len=SEQUENCE_LENGTH)
    model = builder(data.num_items, SEQUENCE_LENGTH, **builder_kwargs)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    dataset = krd.SequenceDataset(sequences, batch_size=64, seed=run.seed)
    history = model.fit(
        dataset, epochs=epochs, verbose=0, callbacks=run.callbacks(epochs)
    )
    # Query: each evaluated user's latest training items, left-padded.
    queries = np.zeros((len(data.eval_users), SEQUENCE_LENGTH), dtype="int32")
    for row, user in enumerate(data.eval_users):
        items = data.sequences[user][-SEQUENCE_LENGTH:]
        if len(items):
            queries[row, -len(items) :] = items
    return model, {"item_sequence": queries}, _losses(history)


@recipe(
    "sasrec",
    "SASRec",
    "build_sasrec, next-item softmax over the catalog",
    epochs=10,
)
def train_sasrec(data, epochs, run):
    # One self-attention block (the paper uses two) trains twice as fast and
    # ranks as well on ML-100K.
    return _train_sequential(
        "build_sasrec", data, epochs, run, embedding_dim=64, num_blocks=1
    )


@recipe(
    "gru4rec",
    "GRU4Rec",
    "build_gru4rec, next-item softmax over the catalog",
    epochs=10,
)
def train_gru4rec(data, epochs, run):
    return _train_sequential("build_gru4rec", data, epochs, run, embedding_dim=64)


@recipe("caser", "Caser", "build_caser, next-item softmax over the catalog", epochs=10)
def train_caser(data, epochs, run):
    return _train_sequential("build_caser", data, epochs, run)


def _train_autoencoder(builder_name, data, epochs, run):
    import keras

    from keras_recsys import callbacks
    from keras_recsys import data as krd
    from keras_recsys import losses
    from keras_recsys import models

    builder = getattr(models, builder_name)
    model = builder(data.num_items, hidden_units=(200,), latent_dim=64, seed=run.seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss=losses.MultinomialLogLikelihood()
    )
    dataset = krd.InteractionMatrixDataset(
        data.train_matrix, batch_size=64, seed=run.seed
    )
    extra = []
    if builder_name == "build_mult_vae":
        extra.append(
            callbacks.KLAnnealing(anneal_steps=len(dataset) * epochs, beta_cap=0.2)
        )
    history = model.fit(
        dataset, epochs=epochs, verbose=0, callbacks=[*extra, *run.callbacks(epochs)]
    )
    queries = {"interactions": data.train_matrix[data.eval_users]}
    return model, queries, _losses(history)


@recipe(
    "mult_vae", "Mult-VAE", "build_mult_vae, multinomial likelihood + KL", epochs=50
)
def train_mult_vae(data, epochs, run):
    return _train_autoencoder("build_mult_vae", data, epochs, run)


@recipe("mult_dae", "Mult-DAE", "build_mult_dae, multinomial likelihood", epochs=50)
def train_mult_dae(data, epochs, run):
    return _train_autoencoder("build_mult_dae", data, epochs, run)
