import inspect

import pytest

import keras_recsys
from keras_recsys.utils.docstrings import format_docstring

pytestmark = pytest.mark.backend_independent


def test_placeholder_lines_take_their_indentation():
    @format_docstring(block="First line.\n    Second, indented.\n\nAfter a gap.")
    def f():
        """Title.

        Args:
            {block}
        Braces {elsewhere} and {unknown} placeholders stay.
            {unknown}
        """

    assert f.__doc__.splitlines()[3:10] == [
        "            First line.",
        "                Second, indented.",
        "",
        "            After a gap.",
        "        Braces {elsewhere} and {unknown} placeholders stay.",
        "            {unknown}",
        "        ",
    ]


def test_metric_docstrings_have_no_placeholder_left():
    for name in keras_recsys.metrics.__all__:
        doc = inspect.getdoc(getattr(keras_recsys.metrics, name))
        for token in ("{contract}", "{inputs}", "{returns}", "{k_arg}", "{name_args}"):
            assert token not in doc, (name, token)
    doc = inspect.getdoc(keras_recsys.metrics.MRRAtK)
    assert 'Defaults to `"mrr@<k>"`' in doc
    assert "the `MRRAtK` metric gives it no weight" in inspect.getdoc(
        keras_recsys.metrics.mrr_at_k
    )
