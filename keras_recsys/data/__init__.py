"""keras_recsys.data: loading, cleaning, features, splits, sampling, feeding.

Uses pandas and scipy, which `import keras_recsys` does not load.
"""

__all__ = []
