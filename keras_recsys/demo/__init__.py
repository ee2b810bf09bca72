"""The `keras-recsys demo` job: data preparation, model recipes, report.

- `keras_recsys.demo.data`: one split and one evaluation protocol for every
  model (`DemoData`).
- `keras_recsys.demo.recipes`: the registry of model recipes; a new model in
  the demo is one function decorated with `@recipe(...)`.
- `keras_recsys.demo.report`: the table, the chart and the result files.
- `keras_recsys.demo.run`: `run_demo`, which ties them together.

The console script (`keras_recsys/cli.py`) only parses arguments. Nothing in
the library imports this package; it uses the public API only.
"""

from keras_recsys.demo.recipes import RECIPES
from keras_recsys.demo.run import run_demo

__all__ = ["RECIPES", "run_demo"]
