"""keras_recsys.callbacks: public callbacks."""

__all__ = []
