"""keras_recsys.layers: public layers."""

__all__ = []
