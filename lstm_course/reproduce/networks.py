"""The paper's networks, one per row of its Table 10, as data, and the Keras
model built from one.

Hochreiter & Schmidhuber (1997), section 5 and Table 10: the topology
(blocks x cells, connectivity F or B, output gates), which units carry
biases and where the gate biases start, the weight interval, g and h, the
learning rate, and the number of weights W, which the built model must
match exactly: the check of the wiring (``shared/PAPER_NOTES.md``, "The 1997
experiments").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import keras

from lstm_course.cells.lstm1997_paper import LSTM1997PaperCell


@dataclass(frozen=True)
class PaperNetwork:
    """One of Table 10's networks.

    ``inputs(size)`` and ``outputs(size)`` are the widths of the input and
    output layers at the experiment's size (p, q or T; None where it has
    none); ``weights(size)`` is the paper's W. ``output_bias``: the output
    units carry biases (experiments 4, 5, 6: "all non-input units").
    Gate biases of None start uniform in the weight interval, like every
    other weight.
    """

    name: str
    blocks: int
    cells_per_block: int
    inputs: Callable
    outputs: Callable
    weights: Callable
    learning_rate: float
    weight_range: float
    connectivity: str = "full"
    output_gates: bool = True
    biases: str = "hidden"
    output_bias: bool = False
    input_gate_bias: tuple | None = None
    output_gate_bias: tuple | None = None
    cell_input: str = "paper"
    cell_output: str = "paper"

    def cell(self) -> LSTM1997PaperCell:
        return LSTM1997PaperCell(
            self.blocks, self.cells_per_block,
            connectivity=self.connectivity, output_gates=self.output_gates,
            biases=self.biases, weight_range=self.weight_range,
            input_gate_bias=self.input_gate_bias,
            output_gate_bias=self.output_gate_bias,
            cell_input=self.cell_input, cell_output=self.cell_output)

    def describe(self) -> str:
        return (f"{self.blocks} block{'s' if self.blocks > 1 else ''} x "
                f"{self.cells_per_block} cell"
                f"{'s' if self.cells_per_block > 1 else ''}, "
                f"{'F' if self.connectivity == 'full' else 'B'}")


def _constant(value):
    return lambda size=None: value


def _reber(name, blocks, cells, weights, rate):
    return PaperNetwork(
        name, blocks, cells, _constant(7), _constant(7), _constant(weights),
        rate, 0.2, biases="gates",
        output_gate_bias=(-1.0, -2.0, -3.0, -4.0)[:blocks])


def _long_lag(name):
    # p + 1 symbols in and out; one cell and its input gate see the inputs;
    # the outputs see the inputs and the cell: (p+1)(p+2) + 2(p+1).
    return PaperNetwork(
        name, 1, 1, lambda p: p + 1, lambda p: p + 1,
        lambda p: (p + 1) * (p + 2) + 2 * (p + 1), 1.0, 0.2,
        connectivity="layered", output_gates=False, biases="none",
        cell_input="logistic", cell_output="identity")


def _noise(name, rate):
    return PaperNetwork(
        name, 3, 1, _constant(1), _constant(1), _constant(102), rate, 0.1,
        input_gate_bias=(-1.0, -3.0, -5.0),
        output_gate_bias=(-2.0, -4.0, -6.0))


NETWORKS = {n.name: n for n in [
    _reber("1 (4x1)", 4, 1, 264, 0.5),
    _reber("1 (3x2)", 3, 2, 276, 0.5),
    _long_lag("2a"),
    _long_lag("2b"),
    # 2 blocks x 1 cell, no biases: 6 hidden units x (p + 4 inputs + 2
    # cells + 4 gates) + 2 outputs x 2 cells.
    PaperNetwork("2c", 2, 1, lambda p: p + 4, _constant(2),
                 lambda p: 6 * (p + 10) + 4, 0.01, 0.2, biases="none"),
    _noise("3a", 1.0),
    _noise("3b", 1.0),
    _noise("3c", 0.1),
    PaperNetwork("4", 2, 2, _constant(2), _constant(1), _constant(93), 0.5,
                 0.1, output_bias=True, input_gate_bias=(-3.0, -6.0)),
    PaperNetwork("5", 2, 2, _constant(2), _constant(1), _constant(93), 0.1,
                 0.1, output_bias=True),
    PaperNetwork("6a", 2, 2, _constant(8), _constant(4), _constant(156), 0.5,
                 0.1, output_bias=True, input_gate_bias=(-2.0, -4.0)),
    PaperNetwork("6b", 3, 2, _constant(8), _constant(8), _constant(308), 0.1,
                 0.1, output_bias=True, input_gate_bias=(-2.0, -4.0, -6.0)),
]}


def build_network(network: PaperNetwork, size=None, symbols=True,
                  name=None) -> keras.Model:
    """The Keras model of ``network`` at ``size``: input layer, the memory
    blocks (``keras.layers.RNN`` of :class:`LSTM1997PaperCell`), logistic
    output units on the cells (and on the inputs too where the wiring is
    layered). ``symbols=True`` takes int symbol sequences (N, T), coded
    one-hot as the paper codes them (-1: no input); else real inputs
    (N, T, D)."""
    from lstm_course.reproduce.model import OneHot

    width = network.inputs(size)
    if symbols:
        inputs = keras.Input((None,), dtype="int32")
        x = OneHot(width)(inputs)
    else:
        inputs = keras.Input((None, width))
        x = inputs
    cells = keras.layers.RNN(network.cell(), return_sequences=True)(x)
    seen = cells if network.connectivity == "full" else \
        keras.layers.Concatenate()([x, cells])
    uniform = keras.initializers.RandomUniform(-network.weight_range,
                                               network.weight_range)
    outputs = keras.layers.Dense(
        network.outputs(size), activation="sigmoid",
        use_bias=network.output_bias, kernel_initializer=uniform,
        bias_initializer=uniform)(seen)
    return keras.Model(inputs, outputs, name=name)
