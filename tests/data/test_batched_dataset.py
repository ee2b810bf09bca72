"""The shared batching of the PyDatasets: what `x` a model receives."""

import warnings

import keras
import numpy as np
import pytest
import scipy.sparse as sp

import keras_recsys

MISMATCH = "doesn't match the expected structure"
SEQS = np.array([[0, 1, 2], [3, 4, 5], [0, 0, 6], [7, 8, 9]], dtype="int32")


def _datasets(**kwargs):
    matrix = sp.random(4, 10, density=0.4, format="csr", random_state=0)
    return {
        "sequence": keras_recsys.data.SequenceDataset(
            SEQS, SEQS, batch_size=2, **kwargs
        ),
        "masked_item": keras_recsys.data.MaskedItemDataset(
            SEQS, num_items=10, batch_size=2, **kwargs
        ),
        "interaction_matrix": keras_recsys.data.InteractionMatrixDataset(
            matrix, batch_size=2, **kwargs
        ),
    }


def _model(kind, dict_inputs):
    if kind == "interaction_matrix":
        inputs = keras.Input(shape=(10,), name="interactions")
        outputs = keras.layers.Dense(10)(inputs)
        loss = "mse"
    else:
        inputs = keras.Input(shape=(3,), dtype="int32", name="item_sequence")
        outputs = keras.layers.Dense(11)(keras.layers.Embedding(11, 4)(inputs))
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = keras.Model({inputs.name: inputs} if dict_inputs else inputs, outputs)
    model.compile("sgd", loss)
    return model


def _fit_messages(model, dataset):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(dataset, epochs=1, verbose=0)
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("kind", ["sequence", "masked_item", "interaction_matrix"])
def test_one_input_model_gets_the_bare_array_without_a_structure_warning(kind):
    dataset = _datasets()[kind]
    assert isinstance(dataset[0][0], np.ndarray)
    messages = _fit_messages(_model(kind, dict_inputs=False), dataset)
    assert not [m for m in messages if MISMATCH in m], messages


@pytest.mark.parametrize("kind", ["sequence", "masked_item", "interaction_matrix"])
def test_input_name_serves_a_dict_for_a_dict_input_model(kind):
    name = "interactions" if kind == "interaction_matrix" else "item_sequence"
    dataset = _datasets(input_name=name)[kind]
    x = dataset[0][0]
    np.testing.assert_array_equal(x[name], _datasets()[kind][0][0])
    messages = _fit_messages(_model(kind, dict_inputs=True), dataset)
    assert not [m for m in messages if MISMATCH in m], messages


def test_input_name_must_be_a_str_or_none():
    with pytest.raises(TypeError, match="input_name=3"):
        keras_recsys.data.SequenceDataset(SEQS, SEQS, input_name=3)
