r"""A neural ODE between observations: the ODE-RNN (Rubanova, Chen &
Duvenaud 2019), with a fixed-step classical Runge-Kutta solver written in
``keras.ops`` (Chen et al. 2018 use adaptive solvers; a fixed step keeps the
cost known and the code short).

Between two observations Δt apart the hidden state follows

.. math::

    \frac{dh}{dt} = f_\theta(h) = \tanh(h W_1 + b_1) W_2 + b_2,

integrated with ``substeps`` RK4 steps of size Δt / substeps
(:mod:`lstm_course.ode`); then the observation x_t updates it with a GRU
step. So the state evolves in continuous time, and irregular gaps between
samples are part of the model rather than something to impute.
"""

from __future__ import annotations

import keras

from lstm_course.cells.gru import GRUCell
from lstm_course.ode import odeint_rk4
from lstm_course.validation import positive_int


@keras.saving.register_keras_serializable(package="lstm_course")
class ODERNNCell(keras.layers.Layer):
    """ODE-RNN step for ``keras.layers.RNN``.

    Inputs are (batch, D + 1): the observation x_t and, as the last
    feature, Δt, the time since the previous observation (0 for the first).

    Args:
        units: H > 0.
        hidden: width of f's hidden layer.
        substeps: RK4 steps per gap.
        chrono_max_lag: chrono initialisation of the GRU update
            (:class:`~lstm_course.cells.GRUCell`).

    f's output layer starts at zero, so that a fresh cell is a GRU whose
    state stands still between observations; training gives it dynamics.
    (Random weights there make the flow grow the state over long
    sequences from the first step.)
    """

    def __init__(self, units, hidden=32, substeps=4, chrono_max_lag=None,
                 **kwargs):
        for name, value in (("units", units), ("hidden", hidden),
                            ("substeps", substeps)):
            positive_int(name, value)
        super().__init__(**kwargs)
        self.units, self.hidden, self.substeps = units, hidden, substeps
        self.state_size = units
        self.output_size = units
        self.chrono_max_lag = chrono_max_lag
        self.gru = GRUCell(units, chrono_max_lag=chrono_max_lag)
        self.f_hidden = keras.layers.Dense(hidden, activation="tanh")
        self.f_out = keras.layers.Dense(units, kernel_initializer="zeros")

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] < 2:
            raise ValueError("inputs need the observation and, last, the "
                             f"time gap: at least 2 features, got "
                             f"{input_shape[-1]}")
        self.gru.build((None, input_shape[-1] - 1))
        self.f_hidden.build((None, self.units))
        self.f_out.build((None, self.hidden))

    def dynamics(self, h):
        """f_theta(h)."""
        return self.f_out(self.f_hidden(h))

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        gap = inputs[:, -1:]
        h = odeint_rk4(self.dynamics, h_tm1, gap, self.substeps)
        return self.gru(inputs[:, :-1], [h])

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "hidden": self.hidden, "substeps": self.substeps,
                "chrono_max_lag": self.chrono_max_lag}
