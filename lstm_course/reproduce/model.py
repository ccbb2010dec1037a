"""The networks of the reproduction runs: the paper's memory cell blocks
(``LSTM1997Cell``) or a ``SimpleRNN`` baseline, sigmoid output units, the
paper's squared error, and the paper's online SGD or Adam."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_course.cells import LSTM1997Cell
from lstm_course.reproduce.options import (MODELS, OPTIMIZERS,
                                           learning_rate_of, require_choice)
from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
class OneHot(keras.layers.Layer):
    """int symbols (N, T) -> float (N, T, depth) one-hot; -1 -> zeros.

    The paper codes symbols locally; feeding indices and expanding them
    here keeps a batch of 2c at q = 1000 (1,004 symbols) small."""

    def __init__(self, depth, **kwargs):
        super().__init__(**kwargs)
        self.depth = positive_int("depth", depth)

    def call(self, symbols):
        symbols = ops.cast(symbols, "int32")
        valid = ops.cast(ops.expand_dims(symbols >= 0, -1), self.compute_dtype)
        return ops.one_hot(ops.maximum(symbols, 0), self.depth,
                           dtype=self.compute_dtype) * valid

    def get_config(self):
        return {**super().get_config(), "depth": self.depth}


@keras.saving.register_keras_serializable(package="lstm_course")
class HalfSquaredError(keras.losses.Loss):
    """E = 1/2 sum_t sum_k (target - output)^2 per sequence, over the steps
    the sample weight (the mask) marks, averaged over the sequences of a
    batch: the paper's error, so that its learning rates mean the same.

    (Keras' "mse" divides by every step and output of the padded batch,
    which would shrink the gradient of a sequence with one target by its
    length.)"""

    def __init__(self, name="half_squared_error", **kwargs):
        kwargs.setdefault("reduction", "sum")
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        per_step = 0.5 * ops.sum(ops.square(y_true - y_pred), axis=-1)
        return per_step / ops.cast(ops.shape(y_true)[0], per_step.dtype)


def base_rate_logits(batch, floor=1e-3):
    """b_k = log(p_k / (1 - p_k)), p_k the mean target of output k over the
    steps ``batch`` marks (clipped to [floor, 1 - floor]): output biases
    with which each sigmoid output starts at its base rate.

    Where most of many outputs are 0 at most steps (the next-symbol
    predictions of experiments 1, 2a and 2b), outputs starting at 0.5 are
    first driven towards 0, into the flat part of the sigmoid, where the
    squared error's gradient nearly vanishes."""
    targets = np.asarray(batch.targets, np.float64)[np.asarray(batch.mask,
                                                                bool)]
    if not len(targets):
        raise ValueError("batch has no step with a target to take base "
                         "rates from")
    rate = np.clip(targets.mean(0), floor, 1 - floor)
    return np.log(rate / (1 - rate)).astype("float32")


def build_model(experiment, batch, model="lstm1997", optimizer="paper",
                prior=None, learning_rate=None):
    """A compiled network for ``experiment`` with the input and output
    widths of ``batch``; ``prior`` (sequences of the same task) gives the
    base rates of the output biases where the experiment asks for them;
    ``learning_rate`` replaces the optimizer's default (the paper's rate
    for SGD, 1e-3 for Adam)."""
    require_choice("model", model, MODELS)
    require_choice("optimizer", optimizer, OPTIMIZERS)
    if experiment.base_rate_outputs and prior is None:
        raise ValueError(f"experiment {experiment.name} starts its outputs "
                         "at their base rates: pass prior=, a batch of its "
                         "sequences")
    if batch.symbols:
        inputs = keras.Input((None,), dtype="int32")
        x = OneHot(batch.symbols)(inputs)
    else:
        inputs = keras.Input((None, batch.inputs.shape[-1]))
        x = inputs
    units = experiment.blocks * experiment.cells_per_block
    if model == "lstm1997":
        cell = LSTM1997Cell(experiment.blocks,
                            cells_per_block=experiment.cells_per_block,
                            weight_range=experiment.weight_range,
                            input_gate_bias=experiment.input_gate_bias,
                            output_gate_bias=experiment.output_gate_bias,
                            cell_input=experiment.cell_input,
                            cell_output=experiment.cell_output)
    else:
        # As many units as the LSTM has cells and gates together.
        cell = keras.layers.SimpleRNNCell(units + 2 * experiment.blocks)
    cells = keras.layers.RNN(cell, return_sequences=True)(x)
    # The output units see the current input beside the cells: predicting
    # the next symbol of 1, 2a and 2b needs it (a shortcut, our choice).
    bias = keras.initializers.Constant(base_rate_logits(prior)) \
        if experiment.base_rate_outputs else "zeros"
    outputs = keras.layers.Dense(batch.targets.shape[-1],
                                 activation="sigmoid",
                                 bias_initializer=bias)(
        keras.layers.Concatenate()([x, cells]))
    network = keras.Model(inputs, outputs)
    rate = learning_rate_of(experiment, optimizer, learning_rate)
    network.compile(
        keras.optimizers.SGD(rate) if optimizer == "paper"
        else keras.optimizers.Adam(rate), HalfSquaredError())
    return network
