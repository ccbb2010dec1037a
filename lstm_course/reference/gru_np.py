r"""The GRU (Cho et al. 2014) in NumPy (float64): one step forward, gates
written out one by one, as an independent check of the Keras cell.

.. math::

    z = \sigma(x W_{xz} + h W_{hz} + b_z), \quad
    r = \sigma(x W_{xr} + h W_{hr} + b_r)

    \tilde h = \tanh(x W_{xh} + r \odot (h W_{hh} + c_h) + b_h) \ \
    \text{(reset after; } c_h \text{ the recurrent bias)}, \ \text{or}\ \
    \tanh(x W_{xh} + (r \odot h) W_{hh} + b_h)

    h' = z \odot h + (1 - z) \odot \tilde h

Parameters are a dict keyed ``W_x?``, ``W_h?``, ``b_?`` for ? in z, r, h,
and ``c_?`` (the recurrent biases) when ``reset_after``. Introduced in
chapter 06.
"""

from __future__ import annotations

import numpy as np

GATES = ("z", "r", "h")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def init_params(rng, input_dim, units, reset_after=True, scale=0.5):
    params = {}
    for gate in GATES:
        params["W_x" + gate] = rng.normal(0, scale, (input_dim, units))
        params["W_h" + gate] = rng.normal(0, scale, (units, units))
        params["b_" + gate] = rng.normal(0, scale, units)
        if reset_after:
            params["c_" + gate] = rng.normal(0, scale, units)
    return params


def step_forward(x, h, params):
    """h' of one GRU step, for a batch x (B, D), h (B, H)."""
    reset_after = "c_h" in params

    def recurrent(gate, state):
        out = state @ params["W_h" + gate]
        return out + params["c_" + gate] if reset_after else out

    z = sigmoid(x @ params["W_xz"] + recurrent("z", h) + params["b_z"])
    r = sigmoid(x @ params["W_xr"] + recurrent("r", h) + params["b_r"])
    if reset_after:
        candidate = np.tanh(x @ params["W_xh"] + r * recurrent("h", h)
                            + params["b_h"])
    else:
        candidate = np.tanh(x @ params["W_xh"] + recurrent("h", r * h)
                            + params["b_h"])
    return z * h + (1.0 - z) * candidate


def forward(x, params, h0=None):
    """(B, T, H) outputs for inputs (B, T, D)."""
    h = np.zeros((x.shape[0], len(params["b_z"]))) if h0 is None else h0
    out = []
    for t in range(x.shape[1]):
        h = step_forward(x[:, t], h, params)
        out.append(h)
    return np.stack(out, 1)


def keras_weights(params):
    """``[kernel, recurrent_kernel, bias]`` in Keras' GRU layout."""
    kernel = np.concatenate([params["W_x" + g] for g in GATES], axis=1)
    recurrent = np.concatenate([params["W_h" + g] for g in GATES], axis=1)
    bias = np.concatenate([params["b_" + g] for g in GATES])
    if "c_h" in params:
        bias = np.stack([bias, np.concatenate([params["c_" + g]
                                               for g in GATES])])
    return [kernel, recurrent, bias]
