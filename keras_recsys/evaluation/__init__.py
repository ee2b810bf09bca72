"""keras_recsys.evaluation: public evaluation."""

__all__ = []
