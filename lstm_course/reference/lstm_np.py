r"""The modern LSTM with a forget gate and optional peepholes, in NumPy
(float64): forward pass and full backpropagation through time.

Gers, Schmidhuber & Cummins (2000) added the forget gate, Gers, Schraudolph &
Schmidhuber (2002) the peepholes, Graves & Schmidhuber (2005) full BPTT;
Greff et al. (2017) call the result the vanilla LSTM:

.. math::

    z_t = \tanh(x_t W_{xc} + h_{t-1} W_{hc} + b_c)

    i_t = \sigma(x_t W_{xi} + h_{t-1} W_{hi} + p_i c_{t-1} + b_i), \quad
    f_t = \sigma(x_t W_{xf} + h_{t-1} W_{hf} + p_f c_{t-1} + b_f)

    c_t = f_t c_{t-1} + i_t z_t, \quad
    o_t = \sigma(x_t W_{xo} + h_{t-1} W_{ho} + p_o c_t + b_o), \quad
    h_t = o_t \tanh(c_t)

Parameters are a dict keyed ``W_x?``, ``W_h?``, ``b_?`` for ? in i, f, c, o,
and, for peepholes, ``p_i``, ``p_f``, ``p_o`` (H,). Without the ``p_`` keys
there are no peepholes, and the weights are those of
``keras.layers.LSTM`` split by gate. Introduced in chapter 05.
"""

from __future__ import annotations

import numpy as np

from lstm_course.reference import through_time

GATES = ("i", "f", "c", "o")


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def init_params(rng, input_dim, units, peepholes=False, scale=0.5):
    params = {}
    for g in GATES:
        params["W_x" + g] = rng.uniform(-scale, scale, (input_dim, units))
        params["W_h" + g] = rng.uniform(-scale, scale, (units, units))
        params["b_" + g] = rng.uniform(-scale, scale, units)
    if peepholes:
        params.update({"p_" + g: rng.uniform(-scale, scale, units)
                       for g in "ifo"})
    return params


def _peep(params, gate):
    return params.get("p_" + gate, 0.0)


def _net(x_t, h_prev, params, gate):
    return x_t @ params["W_x" + gate] + h_prev @ params["W_h" + gate] \
        + params["b_" + gate]


def step_forward(x_t, h_prev, c_prev, params):
    """One step: ``(h_t, c_t, cache)``."""
    def net(g):
        return _net(x_t, h_prev, params, g)

    i = sigmoid(net("i") + _peep(params, "i") * c_prev)
    f = sigmoid(net("f") + _peep(params, "f") * c_prev)
    z = np.tanh(net("c"))
    c = f * c_prev + i * z
    o = sigmoid(net("o") + _peep(params, "o") * c)
    tc = np.tanh(c)
    h = o * tc
    cache = {"x_t": x_t, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f,
             "z": z, "c": c, "o": o, "tc": tc}
    return h, c, cache


def cifg_step_forward(x_t, h_prev, c_prev, params):
    r"""One step of Greff et al.'s CIFG variant, ``(h_t, c_t)``: the forget
    gate coupled to the input gate, :math:`f_t = 1 - i_t`, so there are no
    forget-gate weights (and here no peepholes):
    :math:`c_t = (1 - i_t) c_{t-1} + i_t z_t`."""
    def net(g):
        return _net(x_t, h_prev, params, g)

    i = sigmoid(net("i"))
    c = (1 - i) * c_prev + i * np.tanh(net("c"))
    return sigmoid(net("o")) * np.tanh(c), c


def step_backward(dh_t, dc_t, cache, params):
    """Back through one step: ``(dx_t, dh_prev, dc_prev, grads)`` for the
    total gradient dh_t at h_t and dc_t at c_t from the next step."""
    i, f, z, o, tc = (cache[k] for k in ("i", "f", "z", "o", "tc"))
    c_prev = cache["c_prev"]
    d_net = {"o": dh_t * tc * o * (1 - o)}
    dc = dc_t + dh_t * o * (1 - tc**2) + d_net["o"] * _peep(params, "o")
    d_net["c"] = dc * i * (1 - z**2)
    d_net["i"] = dc * z * i * (1 - i)
    d_net["f"] = dc * c_prev * f * (1 - f)
    dc_prev = dc * f + d_net["i"] * _peep(params, "i") \
        + d_net["f"] * _peep(params, "f")
    grads, dx_t, dh_prev = {}, 0.0, 0.0
    for g in GATES:
        grads["W_x" + g] = cache["x_t"].T @ d_net[g]
        grads["W_h" + g] = cache["h_prev"].T @ d_net[g]
        grads["b_" + g] = d_net[g].sum(axis=0)
        dx_t = dx_t + d_net[g] @ params["W_x" + g].T
        dh_prev = dh_prev + d_net[g] @ params["W_h" + g].T
    if "p_i" in params:
        grads["p_i"] = (d_net["i"] * c_prev).sum(axis=0)
        grads["p_f"] = (d_net["f"] * c_prev).sum(axis=0)
        grads["p_o"] = (d_net["o"] * cache["c"]).sum(axis=0)
    return dx_t, dh_prev, dc_prev, grads


def forward(x, params, h0=None, c0=None):
    """``(h (B, T, H), c (B, T, H), caches)``."""
    units = len(params["b_c"])
    h = np.zeros((x.shape[0], units)) if h0 is None else h0
    c = np.zeros((x.shape[0], units)) if c0 is None else c0
    return through_time.unroll(step_forward, x, h, c, params)


def bptt(dh, caches, params):
    """Full BPTT for direct output gradients dh (B, T, H):
    ``(dx, dh0, dc0, grads)``."""
    return through_time.backpropagate(step_backward, dh, caches, params)


def keras_weights(params):
    """``[kernel, recurrent_kernel, bias]`` packed i, f, c, o (then the
    peepholes) for ``LSTMCell`` / ``keras.layers.LSTM``."""
    weights = [np.concatenate([params[kind + g] for g in GATES], axis=-1)
               for kind in ("W_x", "W_h", "b_")]
    if "p_i" in params:
        weights += [params["p_" + g] for g in "ifo"]
    return weights


def params_from_keras(weights):
    """The inverse of :func:`keras_weights`: a params dict (float64) from
    ``[kernel, recurrent_kernel, bias(, p_i, p_f, p_o)]`` packed i, f, c, o."""
    kernel, recurrent, bias = (np.asarray(w, np.float64) for w in weights[:3])
    units = recurrent.shape[0]
    params = {}
    for k, g in enumerate(GATES):
        cols = slice(k * units, (k + 1) * units)
        params["W_x" + g] = kernel[:, cols]
        params["W_h" + g] = recurrent[:, cols]
        params["b_" + g] = bias[cols]
    if len(weights) == 6:
        params.update({"p_" + g: np.asarray(w, np.float64)
                       for g, w in zip("ifo", weights[3:])})
    return params
