"""Greff et al.'s (2017) variants of the vanilla LSTM ("LSTM: A Search Space
Odyssey"), each a change to ``LSTMCell`` with the same weight names.
Introduced in chapter 05, section 6."""

from __future__ import annotations

import keras
from keras import ops

from lstm_course.cells.lstm import LSTMCell

#: Greff et al. (2017), their table of variants.
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

#: The gate whose columns a variant drops from the packed weights.
_DROPPED = {"NIG": "i", "NFG": "f", "NOG": "o", "CIFG": "f"}


@keras.saving.register_keras_serializable(package="lstm_course")
class LSTMVariantCell(LSTMCell):
    r"""``LSTMCell`` changed as one of Greff et al.'s variants.

    The equations are ``LSTMCell``'s with one change each: a gate fixed at
    1 (NIG: i = 1, NFG: f = 1, NOG: o = 1; its columns dropped from
    ``kernel``, ``recurrent_kernel`` and ``bias``), an activation removed
    (NIAF: :math:`z_t = x_t W_z + h_{t-1} R_z + b_z`; NOAF:
    :math:`h_t = o_t \odot c_t`), no peepholes (NP), coupled gates (CIFG:
    :math:`f_t = 1 - i_t`, no forget-gate columns), or full gate recurrence
    (FGR: each gate's net also gets :math:`[i, f, o]_{t-1}\,R_g` from the
    extra weight ``gate_recurrent_kernel`` (3H, 3H), the previous gates
    carried as a third state). "vanilla" is ``LSTMCell`` itself.

    Args:
        units: H > 0.
        variant: one of ``VARIANTS``.
        peepholes, activation, output_activation and the rest: as
            ``LSTMCell`` (NP drops the peepholes, NIAF and NOAF the
            activation they name).

    >>> import numpy as np
    >>> cell = LSTMVariantCell(4, variant="CIFG", peepholes=True)
    >>> tuple(keras.layers.RNN(cell)(np.zeros((2, 5, 3), "float32")).shape)
    (2, 4)
    >>> [w.name for w in cell.weights]
    ['kernel', 'recurrent_kernel', 'bias', 'peephole_i', 'peephole_o']
    """

    def __init__(self, units, variant="vanilla",
                 peepholes=False, activation="tanh",
                 output_activation="tanh", **kwargs):  # pragma: no mutate block
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; valid variants: "
                             f"{', '.join(VARIANTS)}")
        super().__init__(
            units, peepholes=peepholes and variant != "NP",
            activation="linear" if variant == "NIAF" else activation,
            output_activation="linear" if variant == "NOAF"
            else output_activation, **kwargs)
        self.variant = variant
        # What the caller asked for, for get_config: NIAF and NOAF
        # replace it with the identity but keep it in the configuration.
        self._asked = {"activation": keras.activations.get(activation),
                       "output_activation":
                           keras.activations.get(output_activation)}
        self.gates = tuple(g for g in LSTMCell.gates
                           if g != _DROPPED.get(variant))
        if variant == "FGR":
            self.state_size = [self.units, self.units, 3 * self.units]

    def build(self, input_shape):
        super().build(input_shape)
        if self.variant == "FGR":
            self.gate_recurrent_kernel = self.add_weight(
                shape=(3 * self.units, 3 * self.units),
                name="gate_recurrent_kernel", initializer="zeros")

    def call(self, inputs, states):
        h_tm1, c_tm1 = states[0], states[1]
        if self.truncated:
            h_tm1 = ops.stop_gradient(h_tm1)
        nets = self._nets(inputs, h_tm1)
        if self.variant == "FGR":
            previous = ops.matmul(states[2], self.gate_recurrent_kernel)
            for gate, extra in zip("ifo", ops.split(previous, 3, axis=1)):
                nets[gate] = nets[gate] + extra
        one = ops.ones_like(c_tm1)  # a gate the variant does not have
        i = ops.sigmoid(self._peephole(nets["i"], "i", c_tm1)) \
            if "i" in nets else one
        if self.variant == "CIFG":
            f = 1.0 - i
        else:
            f = ops.sigmoid(self._peephole(nets["f"], "f", c_tm1)) \
                if "f" in nets else one
        c = f * c_tm1 + i * self.activation(nets["c"])
        o = ops.sigmoid(self._peephole(nets["o"], "o", c)) \
            if "o" in nets else one
        h = o * self.output_activation(c)
        if self.variant == "FGR":
            return h, [h, c, ops.concatenate([i, f, o], axis=1)]
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "variant": self.variant,
                **{name: keras.activations.serialize(activation)
                   for name, activation in self._asked.items()}}
