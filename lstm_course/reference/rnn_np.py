"""The Elman RNN in NumPy (float64): forward pass and backpropagation through time.

Elman, "Finding Structure in Time", Cognitive Science 14 (1990); BPTT as in
Werbos, "Backpropagation Through Time: What It Does and How to Do It" (1990).
Introduced in chapter 01.

Shapes are batch-major like Keras: ``x`` is (B, T, D), hidden states are
(B, T, H). Parameters are a dict ``{"W_xh": (D, H), "W_hh": (H, H),
"b_h": (H,)}``, laid out like ``keras.layers.SimpleRNN``'s ``kernel``,
``recurrent_kernel`` and ``bias``.
"""

from __future__ import annotations

import numpy as np

PARAM_NAMES = ("W_xh", "W_hh", "b_h")


def init_params(rng: np.random.Generator, input_dim: int, units: int,
                scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random float64 parameters, uniform in [-scale, scale] / sqrt(fan-in)."""
    fan = np.sqrt(input_dim + units)
    return {
        "W_xh": rng.uniform(-scale, scale, (input_dim, units)) / fan,
        "W_hh": rng.uniform(-scale, scale, (units, units)) / fan,
        "b_h": rng.uniform(-scale, scale, (units,)) / fan,
    }


def step_forward(x_t, h_prev, params):
    """One step: ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)``.

    Args:
        x_t: (B, D) inputs at step t.
        h_prev: (B, H) hidden state h_{t-1}.
        params: the parameter dict.

    Returns:
        ``(h_t, cache)``: h_t is (B, H); cache holds what the backward step needs.
    """
    a_t = x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]
    h_t = np.tanh(a_t)  # (B, H)
    return h_t, {"x_t": x_t, "h_prev": h_prev, "h_t": h_t}


def step_backward(dh_t, cache, params):
    """Backward through one step, given the total gradient ``dL/dh_t``.

    With ``a_t`` the pre-activation and ``tanh'(a_t) = 1 - h_t**2``::

        dL/da_t     = dL/dh_t * (1 - h_t**2)
        dL/dx_t     = dL/da_t W_xh^T
        dL/dh_{t-1} = dL/da_t W_hh^T          (the path back in time)
        dL/dW_xh    = x_t^T dL/da_t,  dL/dW_hh = h_{t-1}^T dL/da_t,
        dL/db_h     = sum over the batch of dL/da_t

    Returns:
        ``(dx_t, dh_prev, grads)`` with grads keyed like ``params``.
    """
    da_t = dh_t * (1.0 - cache["h_t"] ** 2)  # (B, H)
    dx_t = da_t @ params["W_xh"].T
    dh_prev = da_t @ params["W_hh"].T
    grads = {
        "W_xh": cache["x_t"].T @ da_t,
        "W_hh": cache["h_prev"].T @ da_t,
        "b_h": da_t.sum(axis=0),
    }
    return dx_t, dh_prev, grads


def forward(x, params, h0=None):
    """Run the RNN over a sequence: ``h_t`` for t = 1..T.

    Args:
        x: (B, T, D) inputs.
        params: ``W_xh``, ``W_hh``, ``b_h``.
        h0: (B, H) initial state (default zeros).

    Returns:
        ``(h, caches)``: h is (B, T, H); caches is one cache per step.
    """
    if h0 is None:
        h0 = np.zeros((x.shape[0], len(params["b_h"])))
    h_prev, states, caches = h0, [], []
    for t in range(x.shape[1]):
        h_prev, cache = step_forward(x[:, t], h_prev, params)
        states.append(h_prev)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def bptt(dh, caches, params):
    """Backpropagation through time over a whole sequence.

    ``dh[:, t]`` is the gradient that reaches ``h_t`` from the loss directly
    (through the outputs at step t). Going back from t = T, the total gradient
    at ``h_t`` is that plus what flows back from ``h_{t+1}``::

        dL/dh_t (total) = dh[:, t] + dL/dh_t (from step t+1)

    and every step's parameter gradients are summed (the weights are shared).

    Returns:
        ``(dx, dh0, grads)``: dx is (B, T, D), dh0 is (B, H).
    """
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    dx = np.zeros(dh.shape[:2] + (params["W_xh"].shape[0],))
    # dL/dh_T from beyond the sequence: none.
    carry = np.zeros((dh.shape[0], dh.shape[2]))
    for t in reversed(range(dh.shape[1])):
        dx[:, t], carry, step_grads = step_backward(
            dh[:, t] + carry, caches[t], params
        )
        for name in PARAM_NAMES:
            grads[name] += step_grads[name]
    return dx, carry, grads


def squared_error_loss(h, targets):
    """``L = 1/2 * sum (h - targets)**2`` and its gradient ``dL/dh``."""
    diff = h - targets
    return 0.5 * float(np.sum(diff**2)), diff


def gradient_norms_through_time(caches, params, t_loss=None):
    """``||dh_{t_loss} / dh_t||``-style norms: back-propagate a unit error.

    Sends ``dL/dh_{t_loss} = 1`` (all entries, then normalised) back through
    the steps and returns the norm of ``dL/dh_t`` for each t <= t_loss,
    averaged over the batch: how much of the error reaches each step.
    """
    steps = len(caches)
    t_loss = steps - 1 if t_loss is None else t_loss
    carry = np.ones_like(caches[t_loss]["h_t"])
    carry /= np.linalg.norm(carry, axis=1, keepdims=True)
    norms = np.zeros(t_loss + 1)
    for t in range(t_loss, -1, -1):
        norms[t] = np.linalg.norm(carry, axis=1).mean()
        _, carry, _ = step_backward(carry, caches[t], params)
    return norms
