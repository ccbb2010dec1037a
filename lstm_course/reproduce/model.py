"""The networks of the reproduction runs: the paper's memory cell blocks
(``LSTM1997Cell``) or a ``SimpleRNN`` baseline, sigmoid output units, the
paper's squared error, and the paper's online SGD or Adam."""

from __future__ import annotations

import keras
from keras import ops

from lstm_course.cells import LSTM1997Cell
from lstm_course.reproduce.options import MODELS, OPTIMIZERS, require_choice


@keras.saving.register_keras_serializable(package="lstm_course")
class OneHot(keras.layers.Layer):
    """int symbols (N, T) -> float (N, T, depth) one-hot; -1 -> zeros.

    The paper codes symbols locally; feeding indices and expanding them
    here keeps a batch of 2c at q = 1000 (1,004 symbols) small."""

    def __init__(self, depth, **kwargs):
        super().__init__(**kwargs)
        if isinstance(depth, bool) or not isinstance(depth, int) \
                or depth < 1:
            raise ValueError(f"depth must be a positive integer, got "
                             f"{depth!r}")
        self.depth = depth

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


def build_model(experiment, batch, model="lstm1997", optimizer="paper"):
    """A compiled network for ``experiment`` with the input and output
    widths of ``batch``."""
    require_choice("model", model, MODELS)
    require_choice("optimizer", optimizer, OPTIMIZERS)
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
    outputs = keras.layers.Dense(batch.targets.shape[-1],
                                 activation="sigmoid")(
        keras.layers.Concatenate()([x, cells]))
    network = keras.Model(inputs, outputs)
    network.compile(
        keras.optimizers.SGD(experiment.learning_rate)
        if optimizer == "paper" else keras.optimizers.Adam(1e-3),
        HalfSquaredError())
    return network
