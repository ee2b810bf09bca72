"""Beyond-accuracy measures on ML-1M full-catalog top-k: figures and cost.

Data and split as benchmarks/evaluate_topk.py: every ML-1M user
(ratings.reconstructed.uirt.tsv.gz), a random 20% of each user's ratings held
out, the rest excluded from ranking. Three scorers: most popular, EASE
(`keras_recsys.models.build_ease`, L2 500, fitted on the training part) and
random 64-d embeddings. For each, over all 6,040 users and 3,706 items:

- accuracy: `keras_recsys.evaluation.evaluate_topk` (precision, recall,
  NDCG, MAP, MRR at k = 10), timed;
- the top-10 item columns of every user under the same rules (training items
  excluded, lower column first among equal scores): a stable sort of the
  same scores, batch by batch, timed separately;
- `keras_recsys.evaluation.beyond_accuracy` on those lists (coverage, Gini
  index, novelty, average popularity, tail share, intra-list diversity over
  the movies' genre vectors), timed.

Target (issue 17, point 5): the beyond-accuracy measures add less than 0.5x
the time of the accuracy metrics. Inside `evaluate_topk` the top-k columns
come from the ranking it already does, so the added cost is the
`beyond_accuracy` call; the ratio with the separate top-k pass is reported
as well.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/beyond_accuracy_ml1m.py

`--quick` runs on a small synthetic matrix and writes to the temp folder.
"""

import argparse
import json
import os
import pathlib
import sys
import tempfile
import time

import keras
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import evaluate_topk as topk_bench  # noqa: E402

import keras_recsys  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "beyond_accuracy_ml1m.json"
K = 10


def load(quick):
    root = pathlib.Path(os.environ.get("KERAS_RECSYS_DATA", "/work/shared/data"))
    path = root / "ml-1m" / "ratings.reconstructed.uirt.tsv.gz"
    if quick or not path.exists():
        users, items, source = topk_bench.load_interactions(quick=True)
        rng = np.random.default_rng(0)
        genres = (rng.random((items.max() + 1, 8)) < 0.3).astype("float32")
        return users, items, genres, source
    import pandas as pd

    df = pd.read_csv(path, sep="\t", usecols=["user_id", "movie_id"])
    _, users = np.unique(df["user_id"].to_numpy(), return_inverse=True)
    movie_ids, items = np.unique(df["movie_id"].to_numpy(), return_inverse=True)
    movies = pd.read_csv(
        root / "ml-1m" / "movies.dat",
        sep="::",
        engine="python",
        names=["movie_id", "title", "genres"],
        encoding="latin-1",
    ).set_index("movie_id")
    names = sorted({g for gs in movies["genres"] for g in gs.split("|")})
    genres = np.zeros((len(movie_ids), len(names)), "float32")
    for column, movie in enumerate(movie_ids):
        for g in movies.loc[movie, "genres"].split("|"):
            genres[column, names.index(g)] = 1.0
    return users, items, genres, "ML-1M (ratings.reconstructed.uirt.tsv.gz)"


def top_items(score_fn, queries, exclude, batch_size=256):
    """Top-K columns per user: training items excluded, ties by column."""
    rows = []
    for start in range(0, exclude.shape[0], batch_size):
        scores = np.array(score_fn(queries[start : start + batch_size]), "float32")
        seen = exclude[start : start + batch_size].toarray() > 0
        scores[seen] = -np.inf
        rows.append(np.argsort(-scores, axis=1, kind="stable")[:, :K])
    return np.concatenate(rows)


def scorers(train, num_users, num_items):
    counts = np.asarray(train.sum(axis=0)).ravel()
    ease = keras_recsys.models.build_ease(train, l2_regularization=500.0)
    embeddings = topk_bench.build_model(num_users, num_items)

    def ease_scores(users):
        return ease.predict(train[users].toarray(), verbose=0, batch_size=256)

    def embedding_scores(users):
        return embeddings.predict(users, verbose=0, batch_size=256)

    return {
        "most_popular": keras_recsys.evaluation.most_popular_scorer(counts),
        "ease": ease_scores,
        "random_embeddings": embedding_scores,
    }


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    users, items, genres, source = load(args.quick)
    targets, exclude = topk_bench.split(users, items)
    train = exclude.tocsr()
    num_users, num_items = targets.shape
    popularity = np.asarray((train > 0).sum(axis=0)).ravel()
    queries = np.arange(num_users, dtype="int32")
    print(
        f"{source}: {num_users} users, {num_items} items; backend "
        f"{keras.backend.backend()}",
        flush=True,
    )

    rows = {}
    for name, score_fn in scorers(train, num_users, num_items).items():
        kwargs = dict(
            metrics=("precision", "recall", "ndcg", "map", "mrr"), ks=(K,), verbose=0
        )
        # Warm-up: compiles the scorer's predict step and the ranking ops.
        keras_recsys.evaluation.evaluate_topk(
            score_fn, queries[:256], targets[:256], exclude[:256], **kwargs
        )
        accuracy, accuracy_s = timed(
            keras_recsys.evaluation.evaluate_topk,
            score_fn,
            queries,
            targets,
            exclude,
            **kwargs,
        )
        lists, lists_s = timed(top_items, score_fn, queries, exclude)
        beyond, beyond_s = timed(
            keras_recsys.evaluation.beyond_accuracy,
            lists,
            popularity,
            num_users,
            item_embeddings=genres,
        )
        rows[name] = {
            "accuracy": {
                k: round(v, 4) for k, v in accuracy.items() if k != "num_users"
            },
            "beyond_accuracy": {k: round(v, 4) for k, v in beyond.items()},
            "seconds": {
                "accuracy_metrics": round(accuracy_s, 3),
                "top_k_columns": round(lists_s, 3),
                "beyond_accuracy": round(beyond_s, 4),
            },
            "ratio_with_beyond_accuracy": round(
                (accuracy_s + beyond_s) / accuracy_s, 3
            ),
            "ratio_with_separate_top_k": round(
                (accuracy_s + lists_s + beyond_s) / accuracy_s, 3
            ),
        }
        r = rows[name]
        print(
            f"{name:<18} P@10 {accuracy['precision@10']:.4f} R@10 "
            f"{accuracy['recall@10']:.4f} coverage {beyond['coverage']:.4f} novelty "
            f"{beyond['novelty']:.3f} gini {beyond['gini_index']:.3f} tail "
            f"{beyond['tail_share']:.3f} ILD {beyond['intra_list_diversity']:.3f} | "
            f"accuracy {accuracy_s:.2f} s, top-k {lists_s:.2f} s, beyond "
            f"{beyond_s * 1000:.1f} ms -> x{r['ratio_with_beyond_accuracy']:.3f} "
            f"(x{r['ratio_with_separate_top_k']:.3f} with the separate top-k)",
            flush=True,
        )

    out = {
        "benchmark": "beyond_accuracy_ml1m",
        "data": source,
        "split": "random 20% of each user's ratings held out, the rest excluded",
        "num_users": int(num_users),
        "num_items": int(num_items),
        "k": K,
        "backend": keras.backend.backend(),
        "quick": args.quick,
        "target": "beyond-accuracy adds < 0.5x the accuracy metrics' time (ratio < 1.5)",
        "met": all(r["ratio_with_beyond_accuracy"] < 1.5 for r in rows.values()),
        "scorers": rows,
        "cpu_count": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "command": "KERAS_RECSYS_DATA=/work/shared/data flock "
        "/tmp/keras_recsys_bench.lock .venv/bin/python "
        "benchmarks/beyond_accuracy_ml1m.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    if args.output:
        path = pathlib.Path(args.output)
    elif args.quick:
        path = pathlib.Path(tempfile.gettempdir()) / "beyond_accuracy_ml1m.quick.json"
    else:
        path = RESULTS
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
