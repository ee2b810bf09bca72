from keras_recsys.layers.cnn_sequence_encoder import CNNSequenceEncoder
from keras_recsys.models import _docstrings
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.models.build_caser")
@format_docstring(**_docstrings.SEQUENCE)
def build_caser(
    num_items,
    max_len,
    embedding_dim=64,
    window=5,
    num_horizontal=16,
    num_vertical=4,
    dropout=0.5,
    num_candidates=None,
    training_output="logits",
    seed=None,
    name="caser",
):
    """Builds Caser, a convolutional next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`;
    a `keras_recsys.layers.CNNSequenceEncoder` convolves the `window` most
    recent items (horizontal and vertical filters), and the result is scored
    against the same embedding table. Unlike the paper, there is no user
    embedding: the model needs only the item sequence, so it serves users
    unseen in training.

    {contract}

    Args:
        {size_args}
        {embedding_arg}
        window: int. Number of recent items each prediction sees (`L`).
            Defaults to `5`.
        num_horizontal: int. Horizontal filters per height. Defaults to `16`.
        num_vertical: int. Vertical filters. Defaults to `4`.
        dropout: float. Dropout before the output layer. Defaults to `0.5`.
        {output_args}
        name: str. Name of the model. Defaults to `"caser"`.

    {returns}

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_caser(
        num_items=21, max_len=5, embedding_dim=8, window=3
    )
    {fit_example}
    ```

    References:
        - Tang & Wang. [Personalized Top-N Sequential Recommendation via
          Convolutional Sequence Embedding](https://arxiv.org/abs/1809.07426).
          WSDM 2018.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates, training_output)
    encoder = CNNSequenceEncoder(
        embedding_dim,
        window=window,
        num_horizontal=num_horizontal,
        num_vertical=num_vertical,
        dropout=dropout,
        return_sequences=True,
        sequence_length=max_len,
        name="cnn_encoder",
    )
    return sequence_model(build_caser, locals(), encoder)
