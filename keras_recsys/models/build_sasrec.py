from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.models import _docstrings
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.models.build_sasrec")
@format_docstring(**_docstrings.SEQUENCE)
def build_sasrec(
    num_items,
    max_len,
    embedding_dim=64,
    num_blocks=2,
    num_heads=1,
    dropout=0.2,
    num_candidates=None,
    training_output="logits",
    seed=None,
    name="sasrec",
):
    """Builds SASRec, a self-attentive next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`,
    encoded by a causal `keras_recsys.layers.TransformerSequenceEncoder`, and
    each position's vector is scored against the same embedding table.

    {contract}

    Args:
        {size_args}
        {embedding_arg}
        num_blocks: int. Self-attention blocks. Defaults to `2`.
        num_heads: int. Attention heads. Defaults to `1`.
        dropout: float. Dropout rate. Defaults to `0.2`.
        {output_args}
        name: str. Name of the model. Defaults to `"sasrec"`.

    {returns}

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_sasrec(
        num_items=21, max_len=5, embedding_dim=8, num_blocks=1
    )
    {fit_example}
    ```

    References:
        - Kang & McAuley. [Self-Attentive Sequential Recommendation](
          https://arxiv.org/abs/1808.09781). ICDM 2018.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates, training_output)
    encoder = TransformerSequenceEncoder(
        max_len=max_len,
        num_blocks=num_blocks,
        num_heads=num_heads,
        dropout=dropout,
        return_sequences=True,
        sequence_length=max_len,
        name="transformer_encoder",
    )
    return sequence_model(build_sasrec, locals(), encoder)
