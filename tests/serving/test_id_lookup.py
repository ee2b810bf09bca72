import numpy as np
import pytest

import keras_recsys
from keras_recsys.serving import IdLookup
from keras_recsys.utils.testing import run_layer_test


def test_int_ids_match_the_encoder_and_save():
    raw = np.array([40, 7, 1000, 7, 3])
    encoder = keras_recsys.data.IdEncoder().fit(raw)
    queries = np.array([[3, 5], [1000, 40]])
    expected = encoder.transform(queries.reshape(-1)).reshape(2, 2)
    run_layer_test(
        IdLookup,
        {"vocabulary": encoder.vocabulary.tolist()},
        queries,
        expected_output=expected,
        run_training=False,
        run_mixed_precision=False,
    )


def test_int_inverse_round_trips_and_marks_missing():
    encoder = keras_recsys.data.IdEncoder().fit(np.array([40, 7, 1000, 3]))
    inverse = encoder.lookup_layer(invert=True)
    codes = np.array([[1, 4, 0], [2, 3, 9]])
    expected = np.array([[3, 1000, -1], [7, 40, -1]])
    np.testing.assert_array_equal(np.asarray(inverse(codes)), expected)
    lookup = encoder.lookup_layer()
    back = np.asarray(inverse(lookup(np.array([1000, 3, 8]))))
    np.testing.assert_array_equal(back, [1000, 3, -1])


def test_string_ids_round_trip_on_every_backend():
    raw = ["sku-9", "sku-10", "sku-1", "sku-9"]
    encoder = keras_recsys.data.IdEncoder().fit(raw)
    lookup, inverse = encoder.lookup_layer(), encoder.lookup_layer(invert=True)
    queries = np.array(["sku-1", "nope", "sku-9", "sku-10"])
    codes = np.asarray(lookup(queries))
    # IdEncoder's own numpy mapping is the reference.
    np.testing.assert_array_equal(codes, encoder.transform(queries))
    assert list(np.asarray(inverse(codes))) == ["sku-1", "", "sku-9", "sku-10"]


def test_config_keeps_the_vocabulary():
    layer = IdLookup(["b", "a"], invert=True, missing_id="?")
    rebuilt = IdLookup.from_config(layer.get_config())
    assert list(np.asarray(rebuilt(np.array([2, 1, 0])))) == ["a", "b", "?"]


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"vocabulary": []}, ValueError),
        ({"vocabulary": ["a", "a"]}, ValueError),
        ({"vocabulary": [1.5, 2.5]}, TypeError),
        ({"vocabulary": ["a"], "missing_id": -1}, TypeError),
        ({"vocabulary": [1, 2], "missing_id": 2}, ValueError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error):
        IdLookup(**kwargs)
