"""keras_recsys.losses: public losses."""

__all__ = []
