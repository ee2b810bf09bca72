"""keras_recsys.metrics: public metrics."""

__all__ = []
