"""The ranking core shared by metrics, losses and evaluation (not public).

`contract` reads and checks ranking inputs (dense label rows or sparse item
ids), `selection` takes the top k under the tie rule, and `row_functions`
holds the registry of per-row metric functions that both the metric classes
of `keras_recsys.metrics` and `keras_recsys.evaluation.evaluate_topk` read.
It depends on `keras_recsys.utils` only.
"""
