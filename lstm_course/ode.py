r"""The classical Runge-Kutta method (RK4) with a fixed step for
dh/dt = f(h). Only arithmetic on ``h`` and ``f(h)``, so the same code steps
NumPy arrays (chapter 06's exercise) and Keras tensors (the ODE-RNN,
:mod:`lstm_course.models.neural_ode`). One step of size s:

.. math::

    k_1 = f(h),\ k_2 = f(h + \tfrac{s}{2} k_1),\ k_3 = f(h + \tfrac{s}{2} k_2),
    \ k_4 = f(h + s k_3),\quad h \leftarrow h + \tfrac{s}{6}(k_1 + 2k_2 +
    2k_3 + k_4)
"""

from __future__ import annotations


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
