"""`run_demo`: trains the chosen recipes and evaluates them the same way."""

import pathlib
import time

from keras_recsys.demo.data import DemoData
from keras_recsys.demo.data import load_dataset
from keras_recsys.demo.explanations import demo_explanations
from keras_recsys.demo.recipes import RECIPES
from keras_recsys.demo.recipes import Run
from keras_recsys.demo.report import BEYOND_ACCURACY
from keras_recsys.demo.report import METRICS
from keras_recsys.demo.report import K
from keras_recsys.demo.report import format_table
from keras_recsys.demo.report import write_results

PROTOCOL = (
    "per-user temporal 80/20 split (each user's latest 20% of interactions "
    "held out); every item ranked (full catalog); each user's training items "
    f"excluded; users with a held-out item evaluated; k={K}"
)


def _log(message, quiet=False):
    if not quiet:
        print(message, flush=True)


def run_demo(args):
    """Runs the demo for parsed command-line `args`; returns the report."""
    start_all = time.perf_counter()
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in RECIPES]
    if unknown or not names:
        raise SystemExit(
            f"keras-recsys demo: unknown model(s) {unknown}; choose from "
            f"{', '.join(RECIPES)}"
        )
    out_dir = pathlib.Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _log(
        f"keras-recsys demo: dataset {args.dataset}, models {', '.join(names)}",
        args.quiet,
    )
    import keras

    from keras_recsys import evaluation

    keras.utils.set_random_seed(args.seed)
    _log(f"Keras {keras.__version__}, backend {keras.backend.backend()}", args.quiet)
    _log("[data] loading and splitting ...", args.quiet)
    df = load_dataset(args.dataset, data_dir=args.data_dir, seed=args.seed)
    data = DemoData(df, args.dataset, args.seed)
    _log(f"[data] {data.describe()}", args.quiet)

    rows, trained = [], {}
    for step, name in enumerate(names, 1):
        recipe = RECIPES[name]
        # Recipes without training (the baseline) take no epochs.
        epochs = recipe.epochs and (args.epochs or recipe.default_epochs(args.dataset))
        _log(
            f"[{step}/{len(names)}] {recipe.label}: {recipe.description}"
            + (f", {epochs} epochs" if epochs else ""),
            args.quiet,
        )
        keras.utils.set_random_seed(args.seed)
        t0 = time.perf_counter()
        scorer, queries, losses = recipe.train(
            data, epochs, Run(recipe.label, args.seed, args.quiet)
        )
        seconds = time.perf_counter() - t0
        trained[name] = scorer
        _log(
            f"    evaluating {recipe.label} on {len(data.eval_users)} users ...",
            args.quiet,
        )
        t1 = time.perf_counter()
        result = evaluation.evaluate_topk(
            scorer,
            queries,
            data.targets,
            exclude=data.exclude,
            num_items=data.num_items,
            metrics=METRICS,
            ks=(K,),
            batch_size=args.eval_batch_size,
            verbose=not args.quiet,
            beyond_accuracy=BEYOND_ACCURACY,
            item_popularity=data.item_counts,
            num_training_users=data.num_users,
        )
        row = {"model": recipe.label, "key": name}
        row.update(
            {f"{m}@{K}": float(result[f"{m}@{K}"]) for m in METRICS + BEYOND_ACCURACY}
        )
        row.update(
            train_seconds=seconds,
            eval_seconds=time.perf_counter() - t1,
            epochs=epochs,
            loss_history=losses,
        )
        rows.append(row)
        _log(
            f"    {recipe.label}: ndcg@{K} {row[f'ndcg@{K}']:.4f}  recall@{K} "
            f"{row[f'recall@{K}']:.4f}  trained in {seconds:.1f}s",
            args.quiet,
        )

    table = format_table(rows)
    title = (
        f"keras_recsys demo on {args.dataset}: per-user temporal 80/20 split, "
        f"full catalog, training items excluded"
    )
    print(f"\n{title}\n{table}", flush=True)
    demo_explanations(
        trained,
        data.sequences,
        data.eval_users,
        data.num_items,
        out_dir,
        item_encoder=data.item_encoder,
        dataset=args.dataset,
        data_dir=args.data_dir,
        log=lambda line: _log(line, args.quiet),
    )
    total = time.perf_counter() - start_all
    report = {
        "dataset": args.dataset,
        "protocol": PROTOCOL,
        "num_users": int(data.user_count),
        "num_items": int(data.item_count),
        "num_eval_users": int(len(data.eval_users)),
        "seed": args.seed,
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "total_seconds": total,
        "rows": rows,
    }
    written = write_results(out_dir, report, title, table)
    _log(
        f"\nwrote {', '.join(str(p) for p in written)}; total {total:.0f}s",
        args.quiet,
    )
    baseline = next((r for r in rows if r["key"] == "popularity"), None)
    for row in rows if baseline is not None else []:
        if row is not baseline and row[f"ndcg@{K}"] <= baseline[f"ndcg@{K}"]:
            _log(
                f"note: {row['model']} does not beat the popularity baseline on "
                f"ndcg@{K}",
                args.quiet,
            )
    return report
