"""The Elman RNN cell (Elman 1990) as a Keras 3 cell. Introduced in
chapter 01."""

from __future__ import annotations

import keras
from keras import ops

from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
class ElmanCell(keras.layers.Layer):
    r"""One step of the Elman RNN, for ``keras.layers.RNN``.

    .. math::

        h_t = f(x_t W_{xh} + h_{t-1} W_{hh} + b_h)

    with ``f = tanh`` by default (Elman, "Finding Structure in Time", 1990).
    The weights are named and laid out like ``keras.layers.SimpleRNNCell``'s
    (``kernel`` = W_xh, ``recurrent_kernel`` = W_hh, ``bias`` = b_h), so they
    copy 1:1 between the two; with the same weights the outputs are equal.

    Args:
        units: number of hidden units H, > 0.
        activation: the squashing function f (default ``"tanh"``).
        use_bias: whether to add b_h.
        kernel_initializer: initializer of W_xh (D, H).
        recurrent_initializer: initializer of W_hh (H, H).
        bias_initializer: initializer of b_h (H,).

    Call arguments:
        inputs: x_t, shape (batch, D).
        states: ``[h_tm1]``, shape (batch, H).

    Returns:
        ``(h_t, [h_t])``.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(ElmanCell(4))
    >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)
    (2, 4)
    """

    def __init__(self, units, activation="tanh",
                 use_bias=True,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal",
                 bias_initializer="zeros", **kwargs):  # pragma: no mutate block
        units = positive_int("units", units)
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[1], self.units), name="kernel",
            initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel",
            initializer=self.recurrent_initializer)
        self.bias = (self.add_weight(shape=(self.units,), name="bias",
                                     initializer=self.bias_initializer)
                     if self.use_bias else None)

    def call(self, inputs, states):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        # Two matmuls added, not one on [x, h]: no concat per step.
        a = ops.matmul(inputs, self.kernel)  # (batch, H)
        if self.bias is not None:
            a = a + self.bias
        a = a + ops.matmul(h_tm1, self.recurrent_kernel)
        h = self.activation(a)
        return h, [h]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer),
        }
