"""keras_recsys.models: public models."""

__all__ = []
