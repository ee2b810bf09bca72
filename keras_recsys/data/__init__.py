"""keras_recsys.data: loading, cleaning, features, splits, sampling, feeding.

Uses pandas and scipy, which `import keras_recsys` does not load.
"""

from keras_recsys.data.binarize import binarize
from keras_recsys.data.build_sequences import build_sequences
from keras_recsys.data.drop_duplicate_interactions import drop_duplicate_interactions
from keras_recsys.data.fill_missing import fill_missing
from keras_recsys.data.filter_k_core import filter_k_core
from keras_recsys.data.heldout_user_split import heldout_user_split
from keras_recsys.data.id_encoder import IdEncoder
from keras_recsys.data.interaction_features import interaction_features
from keras_recsys.data.interaction_matrix import interaction_matrix
from keras_recsys.data.interaction_matrix_dataset import InteractionMatrixDataset
from keras_recsys.data.item_features import item_features
from keras_recsys.data.leave_last_out import leave_last_out
from keras_recsys.data.load_movielens import load_movielens
from keras_recsys.data.make_synthetic import make_synthetic
from keras_recsys.data.masked_item_dataset import MaskedItemDataset
from keras_recsys.data.mine_hard_negatives import mine_hard_negatives
from keras_recsys.data.movie_lens_data import MovieLensData
from keras_recsys.data.parquet_interaction_dataset import ParquetInteractionDataset
from keras_recsys.data.per_user_temporal_split import per_user_temporal_split
from keras_recsys.data.random_split import random_split
from keras_recsys.data.read_interactions import read_interactions
from keras_recsys.data.remove_outliers import remove_outliers
from keras_recsys.data.sample_negatives import sample_negatives
from keras_recsys.data.sampled_candidates import sampled_candidates
from keras_recsys.data.sequence_dataset import SequenceDataset
from keras_recsys.data.temporal_split import temporal_split
from keras_recsys.data.triplet_dataset import TripletDataset
from keras_recsys.data.user_features import user_features

__all__ = [
    "IdEncoder",
    "InteractionMatrixDataset",
    "MaskedItemDataset",
    "MovieLensData",
    "SequenceDataset",
    "TripletDataset",
    "ParquetInteractionDataset",
    "binarize",
    "build_sequences",
    "drop_duplicate_interactions",
    "fill_missing",
    "filter_k_core",
    "heldout_user_split",
    "interaction_features",
    "interaction_matrix",
    "item_features",
    "leave_last_out",
    "load_movielens",
    "mine_hard_negatives",
    "make_synthetic",
    "per_user_temporal_split",
    "random_split",
    "read_interactions",
    "remove_outliers",
    "sample_negatives",
    "sampled_candidates",
    "temporal_split",
    "user_features",
]
