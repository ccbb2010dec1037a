"""The original LSTM cell (Hochreiter & Schmidhuber 1997) as a Keras 3 cell.
Introduced in chapter 03."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
def squash_g(x):
    """The 1997 cell-input squashing ``g(x) = 4 f(x) - 2``, in [-2, 2]."""
    return 4.0 * ops.sigmoid(x) - 2.0


@keras.saving.register_keras_serializable(package="lstm_course")
def squash_h(x):
    """The 1997 cell-output squashing ``h(x) = 2 f(x) - 1 = tanh(x / 2)``."""
    return ops.tanh(0.5 * x)


def _per_block(name, value, blocks):
    """None, one number, or one number per block -> a list per block."""
    if value is None:
        return None
    values = list(value) if isinstance(value, (list, tuple, np.ndarray)) \
        else [value]
    if len(values) == 1:
        values = values * blocks
    if len(values) != blocks or not all(
            isinstance(v, (int, float, np.number))
            and not isinstance(v, bool) and np.isfinite(v) for v in values):
        raise ValueError(f"{name} must be a number or a list of {blocks} "
                         f"numbers (one per block), got {value!r}")
    return [float(v) for v in values]


def _initializer(name, value, weight_range):
    if value is None:
        return keras.initializers.RandomUniform(-weight_range, weight_range)
    try:
        return keras.initializers.get(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}: unknown initializer {value!r}; use a "
                         "keras.initializers name or object, or None for "
                         f"uniform in [-weight_range, weight_range] ({error})"
                         ) from None


CELL_INPUTS = ("paper", "logistic")
CELL_OUTPUTS = ("paper", "identity")


def check_settings(blocks, cells_per_block, weight_range, **choices):
    """Refuse a block layout, weight range or choice (``name=(value,
    allowed)``) that a 1997 cell cannot have, saying what is expected."""
    positive_int("blocks", blocks)
    positive_int("cells_per_block", cells_per_block)
    if isinstance(weight_range, bool) or not isinstance(
            weight_range, (int, float)) or not 0 < weight_range < np.inf:
        raise ValueError(f"weight_range must be a number > 0, got "
                         f"{weight_range!r}")
    for name, (value, allowed) in choices.items():
        if value not in allowed:
            raise ValueError(f"{name} must be one of "
                             f"{', '.join(map(repr, allowed))}, got "
                             f"{value!r}")


@keras.saving.register_keras_serializable(package="lstm_course")
class LSTM1997Cell(keras.layers.Layer):
    r"""The 1997 LSTM: memory cell blocks with input and output gates, the
    constant error carousel, no forget gate, and the truncated gradient.

    .. math::

        i_t = f(x_t W_{xi} + h_{t-1} W_{hi} + b_i), \quad
        o_t = f(x_t W_{xo} + h_{t-1} W_{ho} + b_o)

        s_t = s_{t-1} + i_t\, g(x_t W_{xc} + h_{t-1} W_{hc} + b_c), \quad
        h_t = o_t\, h(s_t)

    with f the logistic sigmoid, ``g(x) = 4 f(x) - 2`` in [-2, 2],
    ``h(x) = 2 f(x) - 1`` in [-1, 1] (Hochreiter & Schmidhuber, "Long
    Short-Term Memory", Neural Computation 9(8), 1997, section 4). A gate
    value i_t, o_t belongs to a block and is shared by the block's
    ``cells_per_block`` cells; ``h_{t-1}`` (the paper's y^c(t-1)) is the
    recurrent input. The state's self-connection is fixed at 1.0 (the
    constant error carousel); states start at zero with every sequence.
    The recurrent sources here are the cell outputs only, as in later
    LSTMs; in some of the paper's experiments gate units and other hidden
    units feed back as well (check its section 5 before reproducing one).

    With ``truncated=True`` (the paper's rule) the gradient does not flow
    from the nets of the gates and cell inputs into h_{t-1}: error goes
    back in time only along s, with factor 1. ``truncated=False`` gives
    full backpropagation through time.

    Weights are packed like Keras' LSTM without the forget gate: columns
    ``[i (blocks) | c (cells) | o (blocks)]`` of ``kernel`` (D, ...),
    ``recurrent_kernel`` (C, ...) and ``bias``.

    Args:
        blocks: number of memory cell blocks, > 0.
        cells_per_block: cells per block (they share the block's gates).
        truncated: the paper's truncated gradient (default) or full BPTT.
        weight_range: weights and biases start uniform in
            [-weight_range, weight_range] (the paper: 0.1 or 0.2).
        input_gate_bias: optional initial input-gate bias, one number or
            one per block (the paper's remedy for state drift, e.g.
            ``[-3, -6]``).
        output_gate_bias: optional initial output-gate bias, one number or
            one per block (the remedy for the abuse problem, e.g.
            ``[-1, -2, -3, -4]``).
        kernel_initializer, recurrent_initializer: override the uniform
            initialisation of the input and recurrent weights.
        cell_input: ``"paper"`` (g in [-2, 2]) or ``"logistic"`` (g = f, in
            [0, 1]), and
        cell_output: ``"paper"`` (h in [-1, 1]) or ``"identity"``
            (h(s) = s): the paper's experiments 2a and 2b use the logistic
            g and the identity h.

    Call arguments:
        inputs: x_t, shape (batch, D).
        states: ``[h_tm1, s_tm1]``, each (batch, C).

    Returns:
        ``(h_t, [h_t, s_t])`` with C = blocks * cells_per_block outputs.

    >>> import numpy as np
    >>> layer = keras.layers.RNN(LSTM1997Cell(2, cells_per_block=3))
    >>> tuple(layer(np.zeros((4, 5, 3), "float32")).shape)
    (4, 6)
    """

    def __init__(self, blocks, cells_per_block=1,
                 truncated=True,
                 weight_range=0.1, input_gate_bias=None,
                 output_gate_bias=None, kernel_initializer=None,
                 recurrent_initializer=None, cell_input="paper",
                 cell_output="paper", **kwargs):  # pragma: no mutate block
        check_settings(blocks, cells_per_block, weight_range,
                       cell_input=(cell_input, CELL_INPUTS),
                       cell_output=(cell_output, CELL_OUTPUTS))
        super().__init__(**kwargs)
        self.cell_input = cell_input
        self.cell_output = cell_output
        self.blocks = int(blocks)
        self.cells_per_block = int(cells_per_block)
        self.units = self.blocks * self.cells_per_block
        self.truncated = bool(truncated)
        self.weight_range = float(weight_range)
        self.input_gate_bias = _per_block("input_gate_bias",
                                          input_gate_bias, self.blocks)
        self.output_gate_bias = _per_block("output_gate_bias",
                                           output_gate_bias, self.blocks)
        self.kernel_initializer = _initializer(
            "kernel_initializer", kernel_initializer, self.weight_range)
        self.recurrent_initializer = _initializer(
            "recurrent_initializer", recurrent_initializer,
            self.weight_range)
        self._kernel_initializer_arg = kernel_initializer
        self._recurrent_initializer_arg = recurrent_initializer
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        width = 2 * self.blocks + self.units  # i, c, o
        self.kernel = self.add_weight(
            shape=(input_shape[1], width), name="kernel",
            initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel",
            initializer=self.recurrent_initializer)
        self.bias = self.add_weight(shape=(width,), name="bias",
                                    initializer=self._bias_initializer)

    def _bias_initializer(self, shape, dtype=None):
        uniform = keras.initializers.RandomUniform(-self.weight_range,
                                                   self.weight_range)
        bias = np.array(keras.ops.convert_to_numpy(
            uniform(shape)))  # a writable copy
        b, c = self.blocks, self.units
        if self.input_gate_bias is not None:
            bias[:b] = self.input_gate_bias
        if self.output_gate_bias is not None:
            bias[b + c:] = self.output_gate_bias
        return ops.cast(bias, dtype)

    def _to_cells(self, gate):
        # One gate value per block, shared by the block's cells.
        if self.cells_per_block == 1:
            return gate
        return ops.repeat(gate, self.cells_per_block, axis=1)

    def call(self, inputs, states):
        h_tm1, s_tm1 = states
        if self.truncated:
            h_tm1 = ops.stop_gradient(h_tm1)  # the paper's truncation
        z = ops.matmul(inputs, self.kernel)  # (batch, 2 * blocks + C)
        z = z + ops.matmul(h_tm1, self.recurrent_kernel) + self.bias
        # f, g and h are all sigmoids underneath: one op for the three nets.
        y = ops.sigmoid(z)
        b, c = self.blocks, self.units
        # One split, not three slices: a slice's gradient costs more on
        # TensorFlow without XLA. i, o: (batch, blocks); g: (batch, C).
        i, g, o = ops.split(y, [b, b + c], axis=1)
        if self.cell_input == "paper":
            g = 4.0 * g - 2.0  # squash_g(net_c), from the shared sigmoid
        s = s_tm1 + self._to_cells(i) * g  # the CEC, self-connection 1.0
        squashed = squash_h(s) if self.cell_output == "paper" else s
        h = self._to_cells(o) * squashed
        return h, [h, s]

    def get_config(self):
        return {
            **super().get_config(),
            "blocks": self.blocks,
            "cells_per_block": self.cells_per_block,
            "truncated": self.truncated,
            "weight_range": self.weight_range,
            "input_gate_bias": self.input_gate_bias,
            "output_gate_bias": self.output_gate_bias,
            "cell_input": self.cell_input,
            "cell_output": self.cell_output,
            "kernel_initializer": None if self._kernel_initializer_arg is None
            else keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer":
                None if self._recurrent_initializer_arg is None
                else keras.initializers.serialize(self.recurrent_initializer),
        }
