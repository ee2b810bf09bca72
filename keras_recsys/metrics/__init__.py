"""keras_recsys.metrics: public metrics."""

from keras_recsys.metrics.f1_at_k import F1AtK
from keras_recsys.metrics.f1_at_k import f1_at_k
from keras_recsys.metrics.hit_rate_at_k import HitRateAtK
from keras_recsys.metrics.hit_rate_at_k import hit_rate_at_k
from keras_recsys.metrics.map_at_k import MAPAtK
from keras_recsys.metrics.map_at_k import map_at_k
from keras_recsys.metrics.mrr_at_k import MRRAtK
from keras_recsys.metrics.mrr_at_k import mrr_at_k
from keras_recsys.metrics.ndcg_at_k import NDCGAtK
from keras_recsys.metrics.ndcg_at_k import ndcg_at_k
from keras_recsys.metrics.precision_at_k import PrecisionAtK
from keras_recsys.metrics.precision_at_k import precision_at_k
from keras_recsys.metrics.recall_at_k import RecallAtK
from keras_recsys.metrics.recall_at_k import recall_at_k
from keras_recsys.metrics.sparse_targets import sparse_targets

__all__ = [
    "F1AtK",
    "HitRateAtK",
    "MAPAtK",
    "MRRAtK",
    "NDCGAtK",
    "PrecisionAtK",
    "RecallAtK",
    "f1_at_k",
    "hit_rate_at_k",
    "map_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "sparse_targets",
]
