"""The modern ("vanilla") LSTM cell as a Keras 3 cell: forget gate,
optional peepholes, full BPTT or the 2000 truncated gradient. Introduced in
chapter 05; Greff et al.'s variants of it are in ``lstm_variants``."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.cells import chrono
from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
class LSTMCell(keras.layers.Layer):
    r"""The LSTM with a forget gate (Gers et al. 2000), optional peepholes
    (Gers et al. 2002) and full BPTT (Graves & Schmidhuber 2005).

    .. math::

        z_t = g(x_t W_z + h_{t-1} R_z + b_z)

        i_t = \sigma(x_t W_i + h_{t-1} R_i + p_i \odot c_{t-1} + b_i)

        f_t = \sigma(x_t W_f + h_{t-1} R_f + p_f \odot c_{t-1} + b_f)

        c_t = f_t \odot c_{t-1} + i_t \odot z_t

        o_t = \sigma(x_t W_o + h_{t-1} R_o + p_o \odot c_t + b_o)

        h_t = o_t \odot h(c_t)

    with g = h = tanh by default; the peepholes p are there only with
    ``peepholes=True`` (the output gate's sees the new state c_t). Without
    peepholes and with the defaults this is ``keras.layers.LSTMCell``:
    weights packed ``[i, f, c, o]`` in ``kernel`` (D, 4H),
    ``recurrent_kernel`` (H, 4H) and ``bias`` (4H), forget bias starting at
    1.0 (``unit_forget_bias``).

    Args:
        units: H > 0.
        peepholes: add the peephole weights ``peephole_i``, ``_f``, ``_o``.
        truncated: stop the gradient from the nets into h_{t-1} and
            through the peepholes (Gers et al. 2000's truncated gradient);
            default False (full BPTT).
        activation: g, the cell input's squashing (default tanh).
        output_activation: h, the cell output's squashing (default tanh).
        unit_forget_bias: start the forget-gate bias at 1.0.
        chrono_max_lag: if set, chrono initialisation (Tallec & Ollivier
            2018): forget bias log(U[1, T_max - 1]), input bias its
            negative.
        kernel_initializer, recurrent_initializer, bias_initializer: as in
            Keras' LSTM.

    Call arguments:
        inputs: x_t (batch, D).
        states: ``[h_tm1, c_tm1]``.

    Returns:
        ``(h_t, [h_t, c_t])``.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(LSTMCell(4, peepholes=True))
    >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)
    (2, 4)
    """

    #: The gates whose columns the packed weights hold, in Keras' order.
    gates = ("i", "f", "c", "o")

    def __init__(self, units, peepholes=False,
                 truncated=False, activation="tanh", output_activation="tanh",
                 unit_forget_bias=True, chrono_max_lag=None,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 **kwargs):  # pragma: no mutate block
        positive_int("units", units)
        chrono.check_max_lag(chrono_max_lag)
        super().__init__(**kwargs)
        self.units = int(units)
        self.peepholes = bool(peepholes)
        self.truncated = bool(truncated)
        self.activation = keras.activations.get(activation)
        self.output_activation = keras.activations.get(output_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.chrono_max_lag = chrono_max_lag
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        width = len(self.gates) * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[1], width), name="kernel",
            initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel",
            initializer=self.recurrent_initializer)
        self.bias = self.add_weight(shape=(width,), name="bias",
                                    initializer=self._initial_bias)
        self.peephole = {}
        for gate in "ifo" if self.peepholes else "":
            if gate in self.gates:
                self.peephole[gate] = self.add_weight(
                    shape=(self.units,), name=f"peephole_{gate}",
                    initializer="zeros")

    def _initial_bias(self, shape, dtype=None):
        h = self.units
        parts = {g: np.array(keras.ops.convert_to_numpy(
            self.bias_initializer((h,)))) for g in self.gates}
        if "f" in parts and self.unit_forget_bias:
            parts["f"] = np.ones(h)
        if self.chrono_max_lag is not None:
            lags = chrono.log_lags(h, self.chrono_max_lag)
            if "f" in parts:
                parts["f"] = lags
            if "i" in parts:
                parts["i"] = -lags
        return ops.cast(np.concatenate([parts[g] for g in self.gates]), dtype)

    def _nets(self, inputs, h_tm1):
        """``x_t W + h_{t-1} R + b``, split into one net input per gate."""
        z = ops.matmul(inputs, self.kernel)
        z = z + ops.matmul(h_tm1, self.recurrent_kernel) + self.bias
        # One split, not a slice per gate: on TensorFlow without XLA each
        # slice's gradient (StridedSliceGrad) costs more than the split's
        # (a concat): 1.48x keras.layers.LSTM with slices (T = 100).
        return dict(zip(self.gates, ops.split(z, len(self.gates), axis=1)))

    def _peephole(self, net, gate, state):
        """``net + p_gate * state``; ``net`` itself without that peephole.
        With the truncated gradient no error flows back through it."""
        if gate not in self.peephole:
            return net
        if self.truncated:
            state = ops.stop_gradient(state)
        return net + self.peephole[gate] * state

    def call(self, inputs, states):
        h_tm1, c_tm1 = states[0], states[1]
        if self.truncated:  # Gers et al. 2000: only the state carries error
            h_tm1 = ops.stop_gradient(h_tm1)
        nets = self._nets(inputs, h_tm1)
        z = self.activation(nets["c"])
        i = ops.sigmoid(self._peephole(nets["i"], "i", c_tm1))
        f = ops.sigmoid(self._peephole(nets["f"], "f", c_tm1))
        c = f * c_tm1 + i * z
        o = ops.sigmoid(self._peephole(nets["o"], "o", c))
        h = o * self.output_activation(c)
        return h, [h, c]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units, "peepholes": self.peepholes,
            "truncated": self.truncated,
            "activation": keras.activations.serialize(self.activation),
            "output_activation":
                keras.activations.serialize(self.output_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "chrono_max_lag": self.chrono_max_lag,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer),
        }
