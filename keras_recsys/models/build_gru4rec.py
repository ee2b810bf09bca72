import keras

from keras_recsys.layers.rnn_sequence_encoder import RNNSequenceEncoder
from keras_recsys.models import _docstrings
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_gru4rec")
@format_docstring(**_docstrings.SEQUENCE)
def build_gru4rec(
    num_items,
    max_len,
    cell="gru",
    embedding_dim=64,
    units=None,
    num_layers=1,
    dropout=0.2,
    num_candidates=None,
    training_output="logits",
    seed=None,
    name="gru4rec",
):
    """Builds GRU4Rec, a recurrent (GRU or LSTM) next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`
    (input dropout `dropout`), encoded by a
    `keras_recsys.layers.RNNSequenceEncoder` (which projects its states back
    to `embedding_dim` when `units` differs from it), and scored against the
    same embedding table.

    {contract}

    Args:
        {size_args}
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        {embedding_arg}
        units: int or None. Size of the recurrent state; `None` uses
            `embedding_dim`. Defaults to `None`.
        num_layers: int. Stacked recurrent layers. Defaults to `1`.
        dropout: float. Dropout on the item vectors and between/after the
            recurrent layers. Defaults to `0.2`.
        {output_args}
        name: str. Name of the model. Defaults to `"gru4rec"`.

    {returns}

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_gru4rec(
        num_items=21, max_len=5, embedding_dim=8, cell="lstm"
    )
    {fit_example}
    ```

    References:
        - Hidasi et al. [Session-based Recommendations with Recurrent Neural
          Networks](https://arxiv.org/abs/1511.06939). ICLR 2016.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates, training_output)
    units = embedding_dim if units is None else check_positive_int("units", units)
    encoder = RNNSequenceEncoder(
        units,
        cell=cell,
        num_layers=num_layers,
        dropout=dropout,
        return_sequences=True,
        output_dim=embedding_dim if units != embedding_dim else None,
        sequence_length=max_len,
        name="rnn_encoder",
    )
    input_dropout = keras.layers.Dropout(dropout, name="item_dropout")

    def encode(vectors):
        return encoder(input_dropout(vectors))

    return sequence_model(build_gru4rec, locals(), encode)
