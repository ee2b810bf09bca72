"""keras_recsys.losses: public losses."""

from keras_recsys.losses.approx_ndcg_loss import ApproxNDCGLoss
from keras_recsys.losses.bpr_loss import BPRLoss
from keras_recsys.losses.gbce_loss import GBCELoss
from keras_recsys.losses.in_batch_softmax_loss import InBatchSoftmaxLoss
from keras_recsys.losses.lambda_loss import LambdaLoss
from keras_recsys.losses.listwise_softmax_loss import ListwiseSoftmaxLoss
from keras_recsys.losses.masked_mean_squared_error import MaskedMeanSquaredError
from keras_recsys.losses.multinomial_log_likelihood import MultinomialLogLikelihood
from keras_recsys.losses.pairwise_hinge_loss import PairwiseHingeLoss
from keras_recsys.losses.sampled_softmax_loss import SampledSoftmaxLoss

__all__ = [
    "BPRLoss",
    "InBatchSoftmaxLoss",
    "MaskedMeanSquaredError",
    "MultinomialLogLikelihood",
    "PairwiseHingeLoss",
    "ListwiseSoftmaxLoss",
    "ApproxNDCGLoss",
    "LambdaLoss",
    "SampledSoftmaxLoss",
    "GBCELoss",
]
