r"""A small causal Transformer encoder for sequences (Vaswani et al. 2017),
the decoder-only form used for forecasting and language modelling.

.. math::

    e_t = x_t W_e + p_t, \quad
    p_{t,2i} = \sin(t / 10000^{2i/d}),\ p_{t,2i+1} = \cos(t / 10000^{2i/d})

    a = \mathrm{LN}(e + \mathrm{MHA}(e, e, e;\ \text{causal mask})), \quad
    \text{out} = \mathrm{LN}(a + W_2\,\mathrm{ReLU}(W_1 a))

per block (post-norm, as the paper). The causal mask lets step t attend to
steps <= t only. Inputs (batch, T, D); outputs (batch, T, d_model).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.validation import positive_int


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """(length, depth) sinusoids: even columns sin, odd columns cos."""
    positions = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (2 * (np.arange(depth) // 2) / depth)
    angles = positions * rates[None, :]
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles),
                    np.cos(angles)).astype("float32")


@keras.saving.register_keras_serializable(package="lstm_course")
class CausalTransformer(keras.layers.Layer):
    """Embedding, sinusoidal positions, and ``blocks`` causal blocks.

    Args:
        d_model: width of every step's representation (even), > 0.
        heads: attention heads; d_model must divide by it.
        blocks: number of blocks.
        ff: width of the feed-forward layer.
        max_length: longest sequence the positions cover.
    """

    def __init__(self, d_model=32, heads=4, blocks=2, ff=64,
                 max_length=2048, dropout=0.0, **kwargs):
        for name, value in (("d_model", d_model), ("heads", heads),
                            ("blocks", blocks), ("ff", ff),
                            ("max_length", max_length)):
            positive_int(name, value)
        if d_model % heads or d_model % 2:
            raise ValueError(f"d_model must be even and divisible by heads "
                             f"({heads}), got {d_model}")
        super().__init__(**kwargs)
        self.d_model, self.heads, self.blocks = d_model, heads, blocks
        self.ff, self.max_length = ff, max_length
        self.dropout = float(dropout)
        self.embed = keras.layers.Dense(d_model)
        self.attention = [keras.layers.MultiHeadAttention(
            heads, d_model // heads, dropout=self.dropout)
            for _ in range(blocks)]
        self.norms = [keras.layers.LayerNormalization()
                      for _ in range(2 * blocks)]
        self.hidden = [keras.layers.Dense(ff, activation="relu")
                       for _ in range(blocks)]
        self.project = [keras.layers.Dense(d_model) for _ in range(blocks)]
        self.positions = positional_encoding(max_length, d_model)

    def build(self, input_shape):
        self.embed.build(input_shape)
        shape = (None, None, self.d_model)
        for k in range(self.blocks):
            self.attention[k].build(shape, shape)
            self.norms[2 * k].build(shape)
            self.norms[2 * k + 1].build(shape)
            self.hidden[k].build(shape)
            self.project[k].build((None, None, self.ff))

    def call(self, x, training=False):
        length = ops.shape(x)[1]
        e = self.embed(x) + ops.convert_to_tensor(self.positions)[:length]
        for k in range(self.blocks):
            attended = self.attention[k](e, e, e, use_causal_mask=True,
                                         training=training)
            a = self.norms[2 * k](e + attended)
            e = self.norms[2 * k + 1](a + self.project[k](self.hidden[k](a)))
        return e

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.d_model)

    def get_config(self):
        return {**super().get_config(), "d_model": self.d_model,
                "heads": self.heads, "blocks": self.blocks, "ff": self.ff,
                "max_length": self.max_length, "dropout": self.dropout}
