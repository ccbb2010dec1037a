r"""A neural ODE between observations: the ODE-RNN (Rubanova, Chen &
Duvenaud 2019), with a fixed-step classical Runge-Kutta solver written in
``keras.ops`` (Chen et al. 2018 use adaptive solvers; a fixed step keeps the
cost known and the code short).

Between two observations Δt apart the hidden state follows

.. math::

    \frac{dh}{dt} = f_\theta(h) = \tanh(h W_1 + b_1) W_2 + b_2,

integrated with ``substeps`` RK4 steps of size Δt / substeps:

.. math::

    k_1 = f(h),\ k_2 = f(h + \tfrac{s}{2} k_1),\ k_3 = f(h + \tfrac{s}{2} k_2),
    \ k_4 = f(h + s k_3),\quad h \leftarrow h + \tfrac{s}{6}(k_1 + 2k_2 +
    2k_3 + k_4);

then the observation x_t updates it with a GRU step. So the state evolves
in continuous time, and irregular gaps between samples are part of the
model rather than something to impute.
"""

from __future__ import annotations

import keras

from lstm_course.cells.gru import GRUCell
from lstm_course.validation import positive_int


def rk4_step(f, h, step):
    """One classical Runge-Kutta step of size ``step`` for dh/dt = f(h)."""
    k1 = f(h)
    k2 = f(h + 0.5 * step * k1)
    k3 = f(h + 0.5 * step * k2)
    k4 = f(h + step * k3)
    return h + step / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def odeint_rk4(f, h, duration, substeps: int):
    """h after ``duration`` (a scalar or one per batch row, shape (B, 1)),
    in ``substeps`` equal RK4 steps."""
    step = duration / substeps
    for _ in range(substeps):
        h = rk4_step(f, h, step)
    return h


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
