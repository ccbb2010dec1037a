"""The modern ("vanilla") LSTM cell and Greff et al.'s variants, as a Keras 3
cell. Introduced in chapter 05."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.cells import chrono
from lstm_course.validation import positive_int

#: Greff et al. (2017), "LSTM: A Search Space Odyssey", table of variants.
VARIANTS = {
    "vanilla": "all gates, activations, optional peepholes",
    "NIG": "no input gate (i = 1)",
    "NFG": "no forget gate (f = 1)",
    "NOG": "no output gate (o = 1)",
    "NIAF": "no input activation function (z not squashed)",
    "NOAF": "no output activation function (y = o * c)",
    "NP": "no peepholes",
    "CIFG": "coupled input and forget gate (f = 1 - i)",
    "FGR": "full gate recurrence (gates also see all gates at t - 1)",
}


@keras.saving.register_keras_serializable(package="lstm_course")
def squash_g(x):
    """The 1997 cell-input squashing ``g(x) = 4 f(x) - 2``, in [-2, 2]."""
    return 4.0 * ops.sigmoid(x) - 2.0


@keras.saving.register_keras_serializable(package="lstm_course")
def squash_h(x):
    """The 1997 cell-output squashing ``h(x) = 2 f(x) - 1 = tanh(x / 2)``."""
    return ops.tanh(0.5 * x)


@keras.saving.register_keras_serializable(package="lstm_course")
class LSTMCell(keras.layers.Layer):
    r"""The LSTM with a forget gate (Gers et al. 2000), optional peepholes
    (Gers et al. 2002), full BPTT (Graves & Schmidhuber 2005), and the
    variants of Greff et al. (2017).

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
    1.0 (``unit_forget_bias``). A variant drops its gate's columns
    (NIG, NFG, NOG, CIFG), changes an activation (NIAF, NOAF) or adds
    ``gate_recurrent_kernel`` (FGR: the gates also see i, f, o of step
    t - 1, carried as a third state).

    Args:
        units: H > 0.
        variant: one of ``VARIANTS`` (default "vanilla").
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
        states: ``[h_tm1, c_tm1]`` (plus the previous gates with FGR).

    Returns:
        ``(h_t, new_states)``.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(LSTMCell(4, variant="CIFG", peepholes=True))
    >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)
    (2, 4)
    """

    def __init__(self, units, variant="vanilla", peepholes=False,
                 truncated=False, activation="tanh", output_activation="tanh",
                 unit_forget_bias=True, chrono_max_lag=None,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 **kwargs):
        positive_int("units", units)
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; valid variants: "
                             f"{', '.join(VARIANTS)}")
        chrono.check_max_lag(chrono_max_lag)
        super().__init__(**kwargs)
        self.units = int(units)
        self.variant = variant
        self.peepholes = bool(peepholes) and variant != "NP"
        self.truncated = bool(truncated)
        self.activation = keras.activations.get(
            "linear" if variant == "NIAF" else activation)
        self.output_activation = keras.activations.get(
            "linear" if variant == "NOAF" else output_activation)
        self._activation_arg = activation
        self._output_activation_arg = output_activation
        self.unit_forget_bias = bool(unit_forget_bias)
        self.chrono_max_lag = chrono_max_lag
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        dropped = {"NIG": "i", "NFG": "f", "NOG": "o", "CIFG": "f"}
        self.gates = tuple(g for g in "ifco" if g != dropped.get(variant))
        self.state_size = [self.units, self.units] + (
            [3 * self.units] if variant == "FGR" else [])
        self.output_size = self.units

    def build(self, input_shape):
        width = len(self.gates) * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width), name="kernel",
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
        if self.variant == "FGR":
            self.gate_recurrent_kernel = self.add_weight(
                shape=(3 * self.units, 3 * self.units),
                name="gate_recurrent_kernel", initializer="zeros")

    def _initial_bias(self, shape, dtype=None):
        h = self.units
        parts = {g: np.array(keras.ops.convert_to_numpy(
            self.bias_initializer((h,), dtype="float32"))) for g in self.gates}
        if "f" in parts and self.unit_forget_bias:
            parts["f"] = np.ones(h, "float32")
        if self.chrono_max_lag is not None:
            lags = chrono.log_lags(h, self.chrono_max_lag)
            if "f" in parts:
                parts["f"] = lags
            if "i" in parts:
                parts["i"] = -lags
        return ops.cast(np.concatenate([parts[g] for g in self.gates]),
                        dtype or "float32")

    def _split(self, z):
        # One split, not a slice per gate: on TensorFlow without XLA each
        # slice's gradient (StridedSliceGrad) costs more than the split's
        # (a concat): 1.48x keras.layers.LSTM with slices (T = 100).
        return dict(zip(self.gates, ops.split(z, len(self.gates), axis=-1)))

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        if self.truncated:  # Gers et al. 2000: only the state carries error
            h_tm1 = ops.stop_gradient(h_tm1)
        c_peep = ops.stop_gradient(c_tm1) if self.truncated else c_tm1
        z = ops.matmul(inputs, self.kernel)  # (batch, gates * H)
        z = z + ops.matmul(h_tm1, self.recurrent_kernel) + self.bias
        nets = self._split(z)
        if self.variant == "FGR":
            extra = ops.matmul(states[2], self.gate_recurrent_kernel)
            for k, gate in enumerate("ifo"):
                if gate in nets:
                    nets[gate] = nets[gate] + extra[:, k * self.units:
                                                    (k + 1) * self.units]
        for gate in ("i", "f"):
            if gate in self.peephole:
                nets[gate] = nets[gate] + self.peephole[gate] * c_peep
        one = None if {"i", "f", "o"} <= set(nets) else ops.ones_like(c_tm1)
        i = ops.sigmoid(nets["i"]) if "i" in nets else one
        if self.variant == "CIFG":
            f = 1.0 - i
        else:
            f = ops.sigmoid(nets["f"]) if "f" in nets else one
        c = f * c_tm1 + i * self.activation(nets["c"])
        if "o" in nets:
            net_o = nets["o"]
            if "o" in self.peephole:
                c_out = ops.stop_gradient(c) if self.truncated else c
                net_o = net_o + self.peephole["o"] * c_out
            o = ops.sigmoid(net_o)
        else:
            o = one
        h = o * self.output_activation(c)
        new_states = [h, c]
        if self.variant == "FGR":
            new_states.append(ops.concatenate([i, f, o], axis=-1))
        return h, new_states

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units, "variant": self.variant,
            "peepholes": self.peepholes, "truncated": self.truncated,
            "activation": keras.activations.serialize(self.activation)
            if self.variant != "NIAF" else self._activation_arg,
            "output_activation":
                keras.activations.serialize(self.output_activation)
                if self.variant != "NOAF" else self._output_activation_arg,
            "unit_forget_bias": self.unit_forget_bias,
            "chrono_max_lag": self.chrono_max_lag,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer),
        }
