r"""A cell with a pair of states (the LSTMs' output h and cell state c or
s) run over a whole sequence from its one-step reference: forward, and back
by backpropagation through time.

The step functions are the cell module's own: ``step_forward(x_t, h, c,
params) -> (h_t, c_t, cache_t)`` and ``step_backward(dh_t, dc_t, cache_t,
params) -> (dx_t, dh_{t-1}, dc_{t-1}, grads_t)``.
"""

from __future__ import annotations

import numpy as np


def unroll(step_forward, x, h0, c0, params):
    r"""``(h_t, c_t) = step(x_t, h_{t-1}, c_{t-1})`` for t = 1..T from
    ``(h_0, c_0)``: ``(h (B, T, H), c (B, T, H), caches)``, one cache a
    step."""
    h, c = h0, c0
    hs, cs, caches = [], [], []
    for t in range(x.shape[1]):
        h, c, cache = step_forward(x[:, t], h, c, params)
        hs.append(h)
        cs.append(c)
        caches.append(cache)
    return np.stack(hs, axis=1), np.stack(cs, axis=1), caches


def backpropagate(step_backward, dh, caches, params):
    r"""BPTT for the gradients ``dh`` (B, T, H) that reach each ``h_t``
    from the loss directly. From t = T down to 1, step t gets

    .. math::

        \delta h_t = dh_t + \frac{\partial L}{\partial h_t}\Big|_{t+1},
        \qquad \delta c_t = \frac{\partial L}{\partial c_t}\Big|_{t+1}

    (nothing from beyond T), and the weights' gradients are summed over
    the steps, since every step shares them. Returns ``(dx (B, T, D),
    dL/dh_0, dL/dc_0, grads)``."""
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    carry_h = np.zeros((dh.shape[0], dh.shape[2]))
    carry_c = np.zeros_like(carry_h)
    dx = []
    for t in reversed(range(dh.shape[1])):
        dx_t, carry_h, carry_c, step = step_backward(
            dh[:, t] + carry_h, carry_c, caches[t], params)
        dx.append(dx_t)
        for name in grads:
            grads[name] += step[name]
    return np.stack(dx[::-1], axis=1), carry_h, carry_c, grads
