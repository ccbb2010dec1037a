"""The gated recurrent unit (Cho et al. 2014) as a Keras 3 cell. Introduced
in chapter 06."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.cells import chrono
from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
class GRUCell(keras.layers.Layer):
    r"""One step of the GRU, for ``keras.layers.RNN``.

    .. math::

        z_t = \sigma(x_t W_z + h_{t-1} U_z + b_z), \quad
        r_t = \sigma(x_t W_r + h_{t-1} U_r + b_r)

        \tilde h_t = \tanh(x_t W_h + r_t \odot (h_{t-1} U_h + b'_h) + b_h)
        \quad (\text{reset\_after}), \ \text{else}\ 
        \tanh(x_t W_h + (r_t \odot h_{t-1}) U_h + b_h)

        h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t

    The update gate z plays the LSTM's forget gate and 1 - z its input gate
    (CIFG, chapter 05) on a state that is also the output: no output gate,
    no separate cell. Weights are laid out like ``keras.layers.GRUCell``'s,
    gates ordered ``[z, r, h]``: ``kernel`` (D, 3H), ``recurrent_kernel``
    (H, 3H), and ``bias`` (2, 3H) with ``reset_after`` (input and recurrent
    biases, Keras' default) or (3H,) without; with the same weights the
    outputs equal Keras'.

    Args:
        units: H > 0.
        reset_after: apply the reset gate after the recurrent matmul
            (Keras' and cuDNN's default) or before it (Cho et al.).
        chrono_max_lag: if set, chrono initialisation (Tallec & Ollivier
            2018): the update gate's bias starts at log(U[1, T_max - 1]),
            so that each unit first keeps its state for 2 to T_max steps
            (1 / (1 - z)) instead of the 2 that a zero bias gives.
        kernel_initializer, recurrent_initializer, bias_initializer: as in
            Keras' GRU.

    Call arguments:
        inputs: x_t, shape (batch, D).
        states: ``[h_tm1]``, shape (batch, H).

    Returns:
        ``(h_t, [h_t])``.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(GRUCell(4))
    >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)
    (2, 4)
    """

    def __init__(self, units, reset_after=True,
                 chrono_max_lag=None,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal",
                 bias_initializer="zeros", **kwargs):  # pragma: no mutate block
        units = positive_int("units", units)
        if not isinstance(reset_after, bool):
            raise ValueError(f"reset_after must be True or False, got "
                             f"{reset_after!r}")
        chrono.check_max_lag(chrono_max_lag)
        super().__init__(**kwargs)
        self.units = units
        self.reset_after = reset_after
        self.chrono_max_lag = chrono_max_lag
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        width = 3 * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[1], width), name="kernel",
            initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel",
            initializer=self.recurrent_initializer)
        self.bias = self.add_weight(
            shape=(2, width) if self.reset_after else (width,), name="bias",
            initializer=self._initial_bias)

    def _initial_bias(self, shape, dtype=None):
        bias = np.array(keras.ops.convert_to_numpy(
            self.bias_initializer(shape)))
        if self.chrono_max_lag is not None:
            # z comes first; with two rows the input row holds it.
            (bias[0] if self.reset_after else bias)[:self.units] = \
                chrono.log_lags(self.units, self.chrono_max_lag)
        return ops.cast(bias, dtype)

    def call(self, inputs, states):
        h_tm1 = states[0]
        units = self.units
        # Splits, not slices: a slice's gradient costs more on TensorFlow.
        if self.reset_after:
            input_bias, recurrent_bias = ops.split(self.bias, 2)  # the rows
            x_z, x_r, x_h = ops.split(
                ops.matmul(inputs, self.kernel) + input_bias[0], 3, axis=1)
            # One matmul on h for all three; r scales the candidate's part.
            h_z, h_r, h_h = ops.split(
                ops.matmul(h_tm1, self.recurrent_kernel) + recurrent_bias[0],
                3, axis=1)
            z = ops.sigmoid(x_z + h_z)
            r = ops.sigmoid(x_r + h_r)
            candidate = ops.tanh(x_h + r * h_h)
        else:
            x_z, x_r, x_h = ops.split(
                ops.matmul(inputs, self.kernel) + self.bias, 3, axis=1)
            u_zr, u_h = ops.split(self.recurrent_kernel, [2 * units], axis=1)
            h_z, h_r = ops.split(ops.matmul(h_tm1, u_zr), 2, axis=1)
            z = ops.sigmoid(x_z + h_z)
            r = ops.sigmoid(x_r + h_r)
            candidate = ops.tanh(x_h + ops.matmul(r * h_tm1, u_h))
        h_t = z * h_tm1 + (1.0 - z) * candidate
        return h_t, [h_t]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "reset_after": self.reset_after,
            "chrono_max_lag": self.chrono_max_lag,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer),
        }
