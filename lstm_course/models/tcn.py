r"""The temporal convolutional network (Bai, Kolter & Koltun 2018): stacks
of dilated causal 1-D convolutions with residual connections.

A block with dilation d applies twice ``ReLU(causal conv, kernel k,
dilation d)`` and adds its input (through a 1x1 convolution where the
widths differ). Causal: the output at step t sees inputs up to t only. One
output step sees

.. math::

    R = 1 + n (k - 1) \sum_b d_b

input steps (n = 2 convolutions per block): :func:`receptive_field`.
Inputs (batch, T, D); outputs (batch, T, filters).
"""

from __future__ import annotations

import keras
from keras import ops


def receptive_field(kernel_size: int, dilations, convs_per_block=2) -> int:
    """Input steps one output step depends on."""
    return 1 + convs_per_block * (kernel_size - 1) * sum(dilations)


@keras.saving.register_keras_serializable(package="lstm_course")
class TCN(keras.layers.Layer):
    """Residual blocks of dilated causal convolutions.

    Args:
        filters: channels of every convolution, > 0.
        kernel_size: k >= 2.
        dilations: one block per dilation, e.g. (1, 2, 4, 8).
        dropout: between the convolutions while training.
    """

    def __init__(self, filters, kernel_size=3, dilations=(1, 2, 4, 8),
                 dropout=0.0, **kwargs):
        for name, value, low in (("filters", filters, 1),
                                 ("kernel_size", kernel_size, 2)):
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got "
                                 f"{value!r}")
        dilations = tuple(dilations)
        if not dilations or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 1
                for d in dilations):
            raise ValueError(f"dilations must be positive integers, got "
                             f"{dilations!r}")
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.dilations = dilations
        self.dropout = float(dropout)
        self.convs = [[keras.layers.Conv1D(filters, kernel_size,
                                           padding="causal", dilation_rate=d,
                                           activation="relu")
                       for _ in range(2)] for d in dilations]
        self.drops = [keras.layers.Dropout(self.dropout)
                      for _ in range(2 * len(dilations))]
        self.skip = None

    @property
    def receptive_field(self) -> int:
        return receptive_field(self.kernel_size, self.dilations)

    def build(self, input_shape):
        width = input_shape[-1]
        if width != self.filters:
            self.skip = keras.layers.Conv1D(self.filters, 1)
            self.skip.build(input_shape)
        for first, second in self.convs:
            first.build((None, None, width))
            second.build((None, None, self.filters))
            width = self.filters

    def call(self, x, training=False):
        for k, (first, second) in enumerate(self.convs):
            y = self.drops[2 * k](first(x), training=training)
            y = self.drops[2 * k + 1](second(y), training=training)
            if k == 0 and self.skip is not None:
                x = self.skip(x)
            x = ops.relu(x + y)
        return x

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size,
                "dilations": list(self.dilations), "dropout": self.dropout}
