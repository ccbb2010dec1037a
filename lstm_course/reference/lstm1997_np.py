r"""The original LSTM (Hochreiter & Schmidhuber, "Long Short-Term Memory",
Neural Computation 9(8), 1997) in NumPy, float64: forward pass, truncated
and full backpropagation through time, and the paper's online RTRL-style
gradient (its appendix A.1).

A layer has ``blocks`` memory cell blocks of ``k`` cells each
(C = blocks * k cells); the cells of block j share one input gate and one
output gate. With h_{t-1} the cell outputs of the previous step (the
recurrent input) and j(c) the block of cell c:

.. math::

    y^{in}_j(t) = f(x_t W_{xi} + h_{t-1} W_{hi} + b_i)_j, \quad
    y^{out}_j(t) = f(x_t W_{xo} + h_{t-1} W_{ho} + b_o)_j

    net_c(t) = x_t W_{xc} + h_{t-1} W_{hc} + b_c

    s_c(t) = s_c(t-1) + y^{in}_{j(c)}(t)\, g(net_c(t)), \quad s_c(0) = 0

    h_c(t) = y^c(t) = y^{out}_{j(c)}(t)\, h(s_c(t))

with f the logistic sigmoid, ``g(x) = 4 f(x) - 2`` in [-2, 2] and
``h(x) = 2 f(x) - 1`` in [-1, 1]. There is no forget gate: the state's
self-connection is fixed at 1.0, the constant error carousel (CEC).

**Truncated gradient** (the paper's): the derivatives of net_i, net_o and
net_c with respect to h_{t-1} are set to zero, so error reaching a gate or
a cell input changes its weights but goes no further back in time; only
s_c carries error back, with factor 1.

Shapes are batch-major: x is (B, T, D), states are (B, T, C). Parameters
are a dict keyed like the modern LSTM's references (``W_xi``, ``W_hi``,
``b_i``; ``W_xo``, ``W_ho``, ``b_o``; ``W_xc``, ``W_hc``, ``b_c``), with
gate columns per block (B_k = blocks) and cell columns per cell. Chapter 03.
"""

from __future__ import annotations

import numpy as np

from lstm_course.reference import through_time

PARAM_NAMES = ("W_xi", "W_hi", "b_i", "W_xo", "W_ho", "b_o",
               "W_xc", "W_hc", "b_c")


def sigmoid(x):
    """``f(x) = 1 / (1 + e^-x)``, computed without overflow."""
    x = np.asarray(x, np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def squash_g(x):
    """The cell input squashing ``g(x) = 4 f(x) - 2``, in [-2, 2]."""
    return 4.0 * sigmoid(x) - 2.0


def squash_h(x):
    """The cell output squashing ``h(x) = 2 f(x) - 1``, in [-1, 1]."""
    return 2.0 * sigmoid(x) - 1.0


def cells_per_block(params) -> int:
    """k = C / blocks, read off the shapes of ``b_c`` and ``b_i``."""
    blocks, cells = len(params["b_i"]), len(params["b_c"])
    if blocks == 0 or cells % blocks:
        raise ValueError(f"{cells} cells do not split into {blocks} blocks")
    return cells // blocks


def to_cells(gate, k):
    """A per-block gate value ``(B, blocks)`` for each of its k cells:
    ``(B, blocks * k)``."""
    return np.repeat(gate, k, axis=1)


def per_block(cells, k):
    """Sum a per-cell quantity ``(B, C)`` over the cells of each block."""
    return cells.reshape(*cells.shape[:-1], cells.shape[-1] // k, k).sum(-1)


def init_params(rng: np.random.Generator, input_dim: int, blocks: int,
                k: int = 1, weight_range: float = 0.1):
    """Weights uniform in [-weight_range, weight_range] (the paper's init)."""
    cells = blocks * k
    shapes = {"W_xi": (input_dim, blocks), "W_hi": (cells, blocks),
              "b_i": (blocks,), "W_xo": (input_dim, blocks),
              "W_ho": (cells, blocks), "b_o": (blocks,),
              "W_xc": (input_dim, cells), "W_hc": (cells, cells),
              "b_c": (cells,)}
    return {name: rng.uniform(-weight_range, weight_range, shape)
            for name, shape in shapes.items()}


def _net(x_t, h_prev, params, gate):
    return x_t @ params["W_x" + gate] + h_prev @ params["W_h" + gate] \
        + params["b_" + gate]


def step_forward(x_t, h_prev, s_prev, params):
    """One step: ``(h_t, s_t, cache)`` from x_t (B, D), h_{t-1} and
    s_{t-1} (B, C)."""
    k = cells_per_block(params)
    i = sigmoid(_net(x_t, h_prev, params, "i"))  # (B, blocks)
    o = sigmoid(_net(x_t, h_prev, params, "o"))  # (B, blocks)
    net_c = _net(x_t, h_prev, params, "c")  # (B, C)
    g = squash_g(net_c)
    s = s_prev + to_cells(i, k) * g  # the CEC: self-connection 1.0
    hs = squash_h(s)
    h = to_cells(o, k) * hs
    cache = {"x_t": x_t, "h_prev": h_prev, "i": i, "o": o, "g": g,
             "s": s, "hs": hs}
    return h, s, cache


def step_backward(dh_t, ds_t, cache, params, truncated=True):
    """Back through one step, mirroring :func:`step_forward`.

    Args:
        dh_t: dL/dh_t (B, C): everything that reaches h_t.
        ds_t: dL/ds_t (B, C) from later steps (the CEC's carry).
        cache, params: from the forward step.
        truncated: if True, nothing flows to h_{t-1} (the paper's rule).

    Returns:
        ``(dx_t, dh_prev, ds_prev, grads)``.
    """
    k = cells_per_block(params)
    i, o, g, hs = cache["i"], cache["o"], cache["g"], cache["hs"]
    d_net_o = per_block(dh_t * hs, k) * o * (1 - o)
    ds = ds_t + dh_t * to_cells(o, k) * (1 + hs) * (1 - hs) / 2  # h'(s)
    d_net_i = per_block(ds * g, k) * i * (1 - i)
    d_net_c = ds * to_cells(i, k) * (2 + g) * (2 - g) / 4  # g'(net_c)
    grads, dx_t, dh_prev = {}, 0.0, 0.0
    for gate, d_net in (("i", d_net_i), ("o", d_net_o), ("c", d_net_c)):
        grads["W_x" + gate] = cache["x_t"].T @ d_net
        grads["W_h" + gate] = cache["h_prev"].T @ d_net
        grads["b_" + gate] = d_net.sum(axis=0)
        dx_t = dx_t + d_net @ params["W_x" + gate].T
        dh_prev = dh_prev + d_net @ params["W_h" + gate].T
    if truncated:
        dh_prev = np.zeros_like(cache["h_prev"])
    return dx_t, dh_prev, ds, grads


def forward(x, params, h0=None, s0=None):
    """All outputs and states ``(h (B, T, C), s (B, T, C), caches)``;
    h0 and s0 default to zero, as at the start of every sequence in the
    paper."""
    batch, cells = x.shape[0], len(params["b_c"])
    h = np.zeros((batch, cells)) if h0 is None else h0
    s = np.zeros((batch, cells)) if s0 is None else s0
    return through_time.unroll(step_forward, x, h, s, params)


def bptt(dh, caches, params, truncated=True):
    """Backpropagation through time for direct output gradients dh
    (B, T, C): ``(dx (B, T, D), dh0, ds0, grads)``. With
    ``truncated=True`` this is the paper's truncated gradient."""
    def step(dh_t, ds_t, cache, params):
        return step_backward(dh_t, ds_t, cache, params, truncated)

    return through_time.backpropagate(step, dh, caches, params)


SENSITIVITY_NAMES = ("W_xc", "W_hc", "b_c", "W_xi", "W_hi", "b_i")


def rtrl_zero_sensitivities(batch, input_dim, cells):
    """ds_c/dw = 0 for every weight w, as at s_c(0) = 0."""
    shapes = {"W_x": (batch, input_dim, cells), "W_h": (batch, cells, cells),
              "b_": (batch, cells)}
    return {name: np.zeros(shapes[name[:-1]]) for name in SENSITIVITY_NAMES}


def rtrl_step(sens, cache, params):
    r"""Carry the CEC's sensitivities one step forward (the paper's
    appendix A.1, with the truncation: h_{t-1} counts as a constant input).

    For cell c with cell input weights w_cu and its block's input-gate
    weights w_iu (u a source: x_t or h_{t-1}, or 1 for the bias):

    .. math::

        \frac{\partial s_c(t)}{\partial w_{cu}}
            = \frac{\partial s_c(t-1)}{\partial w_{cu}}
            + y^{in}(t)\, g'(net_c(t))\, u(t), \qquad
        \frac{\partial s_c(t)}{\partial w_{iu}}
            = \frac{\partial s_c(t-1)}{\partial w_{iu}}
            + g(net_c(t))\, f'(net_{in}(t))\, u(t)

    ``sens[name]`` is (B, sources, C) for a weight matrix (entry [b, u, c]:
    ds_c/dw for cell c's own weight from source u: its cell-input column,
    or its block's gate column) and (B, C) for a bias.
    """
    k = cells_per_block(params)
    i, g = cache["i"], cache["g"]
    local = {"c": to_cells(i, k) * (2 + g) * (2 - g) / 4,  # y_in g'(net_c)
             "i": g * to_cells(i * (1 - i), k)}  # g(net_c) f'(net_in)
    sources = {"W_x": cache["x_t"], "W_h": cache["h_prev"]}
    new = {}
    for gate, factor in local.items():
        for kind, values in sources.items():
            new[kind + gate] = sens[kind + gate] \
                + values[:, :, None] * factor[:, None, :]
        new["b_" + gate] = sens["b_" + gate] + factor
    return new


def rtrl_gradients(x, dh, params):
    """The truncated gradient computed online, as in the paper's appendix.

    Walks forward once, carrying the sensitivities of every s_c
    (:func:`rtrl_step`). The error dh[:, t] that reaches the outputs at
    step t becomes weight changes at once: through the sensitivities for
    the cell inputs and input gates, locally for the output gates. Work
    per step is proportional to the number of weights, and nothing from
    earlier steps is stored.

    Returns the same ``grads`` as ``bptt(..., truncated=True)``.
    """
    k = cells_per_block(params)
    batch, steps, input_dim = x.shape
    cells = len(params["b_c"])
    h, s = np.zeros((batch, cells)), np.zeros((batch, cells))
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    sens = rtrl_zero_sensitivities(batch, input_dim, cells)
    for t in range(steps):
        h, s, cache = step_forward(x[:, t], h, s, params)
        sens = rtrl_step(sens, cache, params)
        o, hs = cache["o"], cache["hs"]
        e_s = dh[:, t] * to_cells(o, k) * (1 + hs) * (1 - hs) / 2  # (B, C)
        _accumulate(grads, sens, e_s, k)
        d_net_o = per_block(dh[:, t] * hs, k) * o * (1 - o)
        grads["W_xo"] += cache["x_t"].T @ d_net_o
        grads["W_ho"] += cache["h_prev"].T @ d_net_o
        grads["b_o"] += d_net_o.sum(axis=0)
    return grads


def _accumulate(grads, sens, e_s, k):
    """Weight changes from the error at the states, e_s (B, C)."""
    # sens[name][b, ..., c] = d s_c / d w for each weight w: times e_s[b, c],
    # summed over the batch.
    change = {name: (sens[name] * e_s[:, None, :]).sum(axis=0)
              for name in ("W_xc", "W_hc", "W_xi", "W_hi")}
    change.update(b_c=(sens["b_c"] * e_s).sum(axis=0),
                  b_i=(sens["b_i"] * e_s).sum(axis=0))
    for name in ("W_xc", "W_hc", "b_c"):
        grads[name] += change[name]
    for name in ("W_xi", "W_hi", "b_i"):  # a block's gate: sum over its cells
        grads[name] += per_block(change[name], k)


def keras_weights(params) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` for ``LSTM1997Cell.set_weights``,
    each packed ``[input gates | cell inputs | output gates]``."""
    return [np.concatenate([params[f"{kind}{gate}"] for gate in "ico"],
                           axis=-1)
            for kind in ("W_x", "W_h", "b_")]


def params_from_keras(weights) -> dict:
    """The inverse of :func:`keras_weights`: a params dict (float64) from
    ``LSTM1997Cell``'s ``[kernel, recurrent_kernel, bias]``; the cells are
    the recurrent kernel's rows, the blocks half of the other columns."""
    kernel, recurrent, bias = (np.asarray(w, np.float64) for w in weights)
    cells = recurrent.shape[0]
    blocks = (bias.shape[0] - cells) // 2
    params = {}
    for kind, packed in (("W_x", kernel), ("W_h", recurrent), ("b_", bias)):
        parts = np.split(packed, [blocks, blocks + cells], axis=-1)
        params.update({kind + gate: part for gate, part in zip("ico", parts)})
    return params
