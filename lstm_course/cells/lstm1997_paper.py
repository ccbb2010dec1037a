"""The hidden layer of the 1997 paper's experiments as a Keras 3 cell: memory
cell blocks wired as section 5 and Table 10 of Hochreiter & Schmidhuber
(1997) wire them. Used by chapter 04 and ``lstm-course reproduce``."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.cells.lstm1997 import (CELL_INPUTS, CELL_OUTPUTS,
                                        _per_block, check_settings, squash_h)

CONNECTIVITY = ("full", "layered")
BIASES = ("none", "gates", "hidden")


@keras.saving.register_keras_serializable(package="lstm_course")
class LSTM1997PaperCell(keras.layers.Layer):
    r"""Memory cell blocks as the 1997 paper's experiments wire them.

    With ``u`` running over the units a net input receives, every hidden
    unit (cell input, input gate, output gate) computes

    .. math::

        y^{in}_j(t) = f(net_{in_j}(t)), \quad
        y^{out}_j(t) = f(net_{out_j}(t)), \quad
        net(t) = \sum_u w_u\, y^u(t-1) \;(+\, b)

        s_c(t) = s_c(t-1) + y^{in}_{j(c)}(t)\, g(net_c(t)), \quad
        y^c(t) = y^{out}_{j(c)}(t)\, h(s_c(t))

    (f logistic; g in [-2, 2] and h in [-1, 1], or the logistic g and
    identity h of experiments 2a/2b; states 0 at the start of a sequence).

    ``connectivity="full"`` (Table 10's "F", every experiment but 2a/2b):
    the units ``u`` are the current inputs, the outputs of all cells at
    t-1 **and the activations of all gates at t-1**.
    ``connectivity="layered"`` ("B", 2a/2b): the cells and gates see the
    inputs only, with no recurrence at all. ``output_gates=False`` leaves
    the output gates out (2a/2b: y^c = h(s_c)). ``biases`` says which
    units carry a bias weight: ``"none"`` (2a/2b/2c), ``"gates"``
    (experiment 1) or ``"hidden"`` (gates and cell inputs: 3 to 6); the
    output units' biases belong to the output layer.

    With ``truncated=True`` (the paper's rule) no gradient flows from a
    net input into the activations of t-1 it reads: error goes back in
    time only along s, with factor 1 (the paper's appendix A.1).

    Weights: ``kernel`` (D, U) and ``recurrent_kernel`` (C + G, U) with
    hidden units ``U = [input gates (blocks) | cell inputs (C) | output
    gates (blocks)]``, recurrent sources ``[cell outputs (C) | gates (G)]``
    in the same order; ``gate_bias`` (G,) and ``cell_bias`` (C,) where
    ``biases`` has them. All start uniform in ``[-weight_range,
    weight_range]``; ``input_gate_bias`` and ``output_gate_bias`` set
    the gate biases per block instead (the paper's remedies for drift and
    abuse, e.g. ``[-1, -2, -3]``).

    States: ``[y^c (C), gate activations (G), s (C)]``; output: y^c.

    >>> import numpy as np
    >>> cell = LSTM1997PaperCell(2, 2, biases="hidden")
    >>> layer = keras.layers.RNN(cell)
    >>> tuple(layer(np.zeros((1, 5, 2), "float32")).shape)
    (1, 4)
    >>> layer.count_params()  # 8 hidden units x (2 inputs + 8 + 1)
    88
    """

    def __init__(self, blocks, cells_per_block=1,
                 connectivity="full",
                 output_gates=True, biases="hidden", truncated=True,
                 weight_range=0.1, input_gate_bias=None,
                 output_gate_bias=None, cell_input="paper",
                 cell_output="paper", **kwargs):  # pragma: no mutate block
        check_settings(blocks, cells_per_block, weight_range,
                       connectivity=(connectivity, CONNECTIVITY),
                       biases=(biases, BIASES),
                       cell_input=(cell_input, CELL_INPUTS),
                       cell_output=(cell_output, CELL_OUTPUTS))
        if biases == "none" and (input_gate_bias is not None
                                 or output_gate_bias is not None):
            raise ValueError("gate biases were given for a layer without "
                             "bias weights (biases='none')")
        if not output_gates and output_gate_bias is not None:
            raise ValueError("output_gate_bias was given for a layer without "
                             "output gates")
        super().__init__(**kwargs)
        self.blocks = int(blocks)
        self.cells_per_block = int(cells_per_block)
        self.connectivity = connectivity
        self.output_gates = bool(output_gates)
        self.biases = biases
        self.truncated = bool(truncated)
        self.weight_range = float(weight_range)
        self.input_gate_bias = _per_block("input_gate_bias",
                                          input_gate_bias, self.blocks)
        self.output_gate_bias = _per_block("output_gate_bias",
                                           output_gate_bias, self.blocks)
        self.cell_input = cell_input
        self.cell_output = cell_output
        self.units = self.blocks * self.cells_per_block  # C
        self.gates = self.blocks * (2 if self.output_gates else 1)  # G
        self.hidden = self.units + self.gates  # U
        self.recurrent = connectivity == "full"
        self.state_size = [self.units, self.gates, self.units]
        self.output_size = self.units

    def _uniform(self):
        return keras.initializers.RandomUniform(-self.weight_range,
                                                self.weight_range)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[1], self.hidden), name="kernel",
            initializer=self._uniform())
        self.recurrent_kernel = self.add_weight(
            shape=(self.units + self.gates, self.hidden),
            name="recurrent_kernel", initializer=self._uniform()) \
            if self.recurrent else None
        self.gate_bias = self.add_weight(
            shape=(self.gates,), name="gate_bias",
            initializer=self._gate_bias_initializer) \
            if self.biases != "none" else None
        self.cell_bias = self.add_weight(
            shape=(self.units,), name="cell_bias",
            initializer=self._uniform()) if self.biases == "hidden" else None

    def _gate_bias_initializer(self, shape, dtype=None):
        bias = np.array(keras.ops.convert_to_numpy(
            self._uniform()(shape)))  # a writable copy
        b = self.blocks
        if self.input_gate_bias is not None:
            bias[:b] = self.input_gate_bias
        if self.output_gate_bias is not None:
            bias[b:] = self.output_gate_bias
        return ops.cast(bias, dtype)

    def _to_cells(self, gate):
        # One gate value per block, shared by the block's cells.
        if self.cells_per_block == 1:
            return gate
        return ops.repeat(gate, self.cells_per_block, axis=1)

    def bias_vector(self):
        """The bias of every hidden unit in the order of U (0 where a unit
        has none), or None without biases."""
        if self.gate_bias is None:
            return None
        b = self.blocks
        cells = self.cell_bias if self.cell_bias is not None \
            else ops.zeros((self.units,), self.gate_bias.dtype)
        return ops.concatenate([self.gate_bias[:b], cells,
                                self.gate_bias[b:]])

    def call(self, inputs, states):
        y_tm1, gates_tm1, s_tm1 = states
        net = ops.matmul(inputs, self.kernel)
        if self.recurrent:
            sources = ops.concatenate([y_tm1, gates_tm1], axis=1)
            if self.truncated:
                sources = ops.stop_gradient(sources)  # the paper's truncation
            net = net + ops.matmul(sources, self.recurrent_kernel)
        bias = self.bias_vector()
        if bias is not None:
            net = net + bias
        # f, g and h are sigmoids underneath: one op for every net.
        y = ops.sigmoid(net)
        b, c = self.blocks, self.units
        if self.output_gates:
            i, g, o = ops.split(y, [b, b + c], axis=1)
            gates = ops.concatenate([i, o], axis=1)
        else:
            i, g = ops.split(y, [b], axis=1)
            gates = i
        if self.cell_input == "paper":
            g = 4.0 * g - 2.0  # squash_g(net_c), from the shared sigmoid
        s = s_tm1 + self._to_cells(i) * g  # the CEC, self-connection 1.0
        y_c = squash_h(s) if self.cell_output == "paper" else s
        if self.output_gates:
            y_c = self._to_cells(o) * y_c
        return y_c, [y_c, gates, s]

    def get_config(self):
        return {
            **super().get_config(),
            "blocks": self.blocks,
            "cells_per_block": self.cells_per_block,
            "connectivity": self.connectivity,
            "output_gates": self.output_gates,
            "biases": self.biases,
            "truncated": self.truncated,
            "weight_range": self.weight_range,
            "input_gate_bias": self.input_gate_bias,
            "output_gate_bias": self.output_gate_bias,
            "cell_input": self.cell_input,
            "cell_output": self.cell_output,
        }
