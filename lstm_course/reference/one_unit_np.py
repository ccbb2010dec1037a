r"""A recurrent network of one unit, whose loss surface has a cliff.

.. math::

    x_t = w\,\sigma(x_{t-1}) + b, \qquad x_0 \text{ given}, \qquad
    L(w, b) = (x_T - y)^2

with the logistic sigmoid sigma. The map ``x -> w sigma(x) + b`` has one
fixed point or, for large enough w, two stable ones; crossing that
bifurcation moves ``x_T`` from one to the other, so the loss jumps along a
curve in the (w, b) plane and its gradient is huge there. Pascanu, Mikolov
& Bengio (ICML 2013) picture this "wall" with a one-unit network of this
form (their figure 6) and motivate gradient-norm clipping with it; x_0, y
and T here are this course's choices. Introduced in chapter 02.

All functions broadcast over arrays of ``w`` and ``b`` (float64).
"""

from __future__ import annotations

import numpy as np

X0, TARGET, STEPS = 0.5, 2.5, 15


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def forward(w, b, steps: int = STEPS, x0: float = X0) -> np.ndarray:
    """The states ``x_0 .. x_T``, stacked on a new last axis."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
    w, b = np.broadcast_arrays(w, b)
    states = [np.full(w.shape, float(x0))]  # float64: so is every state
    for _ in range(steps):
        states.append(w * _sigmoid(states[-1]) + b)
    return np.stack(states, axis=-1)


def loss(w, b, target: float = TARGET, steps: int = STEPS,
         x0: float = X0) -> np.ndarray:
    """``L = (x_T - y)^2``."""
    return (forward(w, b, steps, x0)[..., -1] - target) ** 2


def loss_and_gradient(w, b, target: float = TARGET, steps: int = STEPS,
                      x0: float = X0):
    r"""``(L, dL/dw, dL/db)`` by backpropagation through time:
    ``delta_T = 2 (x_T - y)``, ``delta_{t-1} = delta_t w sigma'(x_{t-1})``,
    ``dL/dw = sum_t delta_t sigma(x_{t-1})``, ``dL/db = sum_t delta_t``."""
    x = forward(w, b, steps, x0)
    w = np.broadcast_to(w, x.shape[:-1])
    delta = 2.0 * (x[..., -1] - target)
    grad_w = np.zeros_like(delta)
    grad_b = np.zeros_like(delta)
    for t in range(steps, 0, -1):
        s = _sigmoid(x[..., t - 1])
        grad_w = grad_w + delta * s
        grad_b = grad_b + delta
        delta = delta * w * s * (1.0 - s)
    return (x[..., -1] - target) ** 2, grad_w, grad_b
