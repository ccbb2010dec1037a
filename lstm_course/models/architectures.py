"""Chapter 06's contenders, each as one Keras model from a window of
``steps`` inputs (batch, T, D) to ``outputs`` numbers (batch, outputs), so
that every one meets the same data, loss and optimiser.

- ``"lstm"``: :class:`~lstm_course.cells.LSTMCell` (chapter 05) with chrono
  initialisation for lags up to T, its last output read out by a Dense layer;
- ``"gru"``: :class:`~lstm_course.cells.GRUCell`, chrono-initialised and
  read out the same way;
- ``"tcn"``: :class:`~lstm_course.models.tcn.TCN` with enough dilations
  1, 2, 4, ... that its receptive field covers the T steps; last step read out;
- ``"transformer"``: :class:`~lstm_course.models.transformer.CausalTransformer`
  with one block of 4 heads, its last step (which attends to all T) read
  out;
- ``"ode_rnn"``: :class:`~lstm_course.models.neural_ode.ODERNNCell`; the last
  input feature is the time gap, or, with ``regular=True``, a gap of 1 is
  appended to every step;
- ``"linear"``, ``"nlinear"``, ``"dlinear"``: LTSF-Linear per channel from T
  steps to ``outputs`` steps; with more than one channel a Dense layer mixes
  the channels' forecasts (still linear in the inputs).
"""

from __future__ import annotations

import keras
from keras import ops

from lstm_course.cells import GRUCell, LSTMCell
from lstm_course.models.ltsf_linear import LTSFLinear
from lstm_course.models.neural_ode import ODERNNCell
from lstm_course.models.tcn import TCN, receptive_field
from lstm_course.models.transformer import CausalTransformer
from lstm_course.validation import positive_int

ARCHITECTURES = ("lstm", "gru", "tcn", "transformer", "ode_rnn", "linear",
                 "nlinear", "dlinear")


def dilations_for(steps: int, kernel_size: int = 3) -> tuple[int, ...]:
    """The fewest dilations 1, 2, 4, ... whose TCN sees ``steps`` steps."""
    dilations = [1]
    while receptive_field(kernel_size, dilations) < steps:
        dilations.append(2 * dilations[-1])
    return tuple(dilations)


@keras.saving.register_keras_serializable(package="lstm_course")
class LastStep(keras.layers.Layer):
    """(batch, T, C) -> (batch, C): the representation of the last step."""

    def call(self, x):
        return x[:, -1]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="lstm_course")
class ConstantGap(keras.layers.Layer):
    """Appends a feature Δt = ``gap`` to every step: a regular series in the
    form the ODE-RNN reads."""

    def __init__(self, gap=1.0, **kwargs):
        super().__init__(**kwargs)
        self.gap = float(gap)

    def call(self, x):
        return ops.concatenate([x, ops.ones_like(x[..., :1]) * self.gap],
                               axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "gap": self.gap}


def build_model(name: str, steps: int, features: int, outputs: int, *,
                width: int = 32, regular: bool = True,
                kernel_size: int = 25, relative: bool = False) -> keras.Model:
    """An uncompiled model (batch, steps, features) -> (batch, outputs).

    Args:
        name: one of :data:`ARCHITECTURES`.
        steps, features, outputs: the shapes, each > 0.
        width: units of the recurrent cells, d_model of the Transformer;
            the TCN uses width // 2 filters, so that its parameter count
            stays near the others'.
        regular: for ``"ode_rnn"``: the steps are 1 apart (a gap feature is
            appended); if False the last input feature is the gap.
        kernel_size: DLinear's moving-average width (odd).
        relative: the model sees each window minus its last value and its
            outputs are added to that value (NLinear's normalisation, for
            any model: a level it never saw in training costs nothing).
            Needs ``features == 1``.
    """
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; expected one of "
                         f"{', '.join(ARCHITECTURES)}")
    for label, value in (("steps", steps), ("features", features),
                         ("outputs", outputs), ("width", width)):
        positive_int(label, value)
    if not isinstance(relative, bool):
        raise ValueError(f"relative must be True or False, got {relative!r}")
    if relative and features != 1:
        raise ValueError(f"relative forecasts a single series: features "
                         f"must be 1, got {features}")
    window = keras.Input((steps, features))
    inputs, last = window, None
    if relative:
        last = LastStep()(window)  # (B, D)
        inputs = keras.layers.Subtract()(
            [window, keras.layers.Reshape((1, features))(last)])
    outputs_of = _body(name, inputs, steps, features, outputs, width,
                       regular, kernel_size)
    if relative:
        outputs_of = keras.layers.Add()([outputs_of, last])
    return keras.Model(window, outputs_of, name=name)


def _body(name, inputs, steps, features, outputs, width, regular,
          kernel_size):
    if name in ("linear", "nlinear", "dlinear"):
        # (B, T, C) -> (B, outputs, C): each channel forecast on its own.
        x = LTSFLinear(outputs, kind=name, kernel_size=kernel_size)(inputs)
        x = keras.layers.Flatten()(x)
        if features > 1:
            x = keras.layers.Dense(outputs)(x)
        return x
    if name == "lstm":
        x = keras.layers.RNN(LSTMCell(width, chrono_max_lag=max(steps, 3)))(
            inputs)
    elif name == "gru":
        x = keras.layers.RNN(GRUCell(width, chrono_max_lag=max(steps, 3)))(
            inputs)
    elif name == "ode_rnn":
        x = ConstantGap()(inputs) if regular else inputs
        x = keras.layers.RNN(ODERNNCell(width, hidden=width, substeps=1,
                                        chrono_max_lag=max(steps, 3)))(x)
    elif name == "tcn":
        x = LastStep()(TCN(max(width // 2, 1),
                           dilations=dilations_for(steps))(inputs))
    else:
        x = LastStep()(CausalTransformer(d_model=width, heads=4, blocks=1,
                                         ff=2 * width,
                                         max_length=steps)(inputs))
    return keras.layers.Dense(outputs)(x)
