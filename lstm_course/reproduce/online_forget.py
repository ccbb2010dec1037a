r"""Online truncated RTRL for :mod:`~lstm_course.reproduce.cerg_network`,
K trials at once, with a weight change after every time step (Gers,
Schmidhuber & Cummins 2000; without forget gates it is the 1997 algorithm of
appendix A.1 applied step by step).

One step of trial k, with z(t) = [x(t), y^c(t-1)] (and a 1 for biases):

.. math::

    s_c(t) = y^{\varphi_j}(t)\, s_c(t-1) + y^{in_j}(t)\, g(net_c(t)), \quad
    y^c(t) = y^{out_j}(t)\, h(s_c(t))

(the 1997 cell: y^phi = 1, or the network's fixed ``state_decay``)

and, the net inputs' sources held constant (the truncation), the states'
sensitivities

.. math::

    \frac{\partial s_c(t)}{\partial w_{c,m}} = y^{\varphi_j}
        \frac{\partial s_c(t-1)}{\partial w_{c,m}}
        + y^{in_j} g'(net_c)\, z_m, \qquad
    \frac{\partial s_c(t)}{\partial w_{in_j,m}} = y^{\varphi_j}
        \frac{\partial s_c(t-1)}{\partial w_{in_j,m}}
        + g(net_c)\, f'(net_{in_j})\, z_m,

    \frac{\partial s_c(t)}{\partial w_{\varphi_j,m}} = y^{\varphi_j}
        \frac{\partial s_c(t-1)}{\partial w_{\varphi_j,m}}
        + s_c(t-1)\, f'(net_{\varphi_j})\, z_m .

With the output deltas ``delta_k = (y_k - d_k) f'(net_k)`` (E(t) = 1/2 the
squared error), the cells' errors ``e_c = sum_k w_{kc} delta_k`` give the
state errors ``e_s = e_c y^{out} h'(s_c)``, which multiply the
sensitivities, and the output gates' deltas ``f'(net_out) sum_c e_c h(s_c)``
times z. Then ``w -= rate * dE(t)/dw`` at once. Memory is flat in the
stream's length: a stream of a million symbols costs no more than one.
"""

from __future__ import annotations

import numpy as np

from lstm_course.reproduce.cerg_network import CERGNetwork


def sigmoid(x):
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def zero_state(network: CERGNetwork, trials: int) -> dict:
    """Activations, cell states and sensitivities of ``trials`` networks
    at the start of a stream (all zero)."""
    d, c = network.inputs, network.cells
    state = {"y_c": np.zeros((trials, c)), "s": np.zeros((trials, c)),
             "sens_cell": np.zeros((trials, c, d + c)),
             "sens_in": np.zeros((trials, c, d + c + 1))}
    if network.forget_gates:
        state["sens_forget"] = np.zeros((trials, c, d + c + 1))
    return state


def reset(state: dict, which) -> None:
    """Start a new stream (or, for the 1997 cell with external resets, a new
    string) for the trials where ``which`` is True."""
    which = np.asarray(which, bool)
    for value in state.values():
        value[which] = 0.0


def step(network: CERGNetwork, weights: dict, state: dict, symbols,
         targets, rates) -> np.ndarray:
    """Trial k reads symbol ``symbols[k]`` (one-hot), predicts (returned,
    ``(K, outputs)``, before any weight change), and changes its weights by
    ``rates[k]`` times the truncated gradient of its error against
    ``targets[k]`` (rate 0: no change). ``weights`` and ``state`` change
    in place."""
    blocks, k_cells = network.blocks, network.cells_per_block
    d, c = network.inputs, network.cells
    trials = len(symbols)
    x = np.zeros((trials, d))
    x[np.arange(trials), symbols] = 1.0
    z = np.concatenate([x, state["y_c"]], axis=1)
    z1 = np.concatenate([z, np.ones((trials, 1))], axis=1)

    def per_cell(block_values):
        return np.repeat(block_values, k_cells, axis=-1)

    net_c = np.einsum("km,kmc->kc", z, weights["cell_kernel"])
    gates = sigmoid(np.einsum("km,kmg->kg", z1, weights["gate_kernel"]))
    y_in = gates[:, :blocks]
    y_out = gates[:, -blocks:]
    y_phi = gates[:, blocks:2 * blocks] if network.forget_gates else None
    f_c = sigmoid(net_c)
    g, dg = 4 * f_c - 2, 4 * f_c * (1 - f_c)
    keep = per_cell(y_phi) if network.forget_gates \
        else np.full((trials, c), network.state_decay)
    s_prev = state["s"]
    s = keep * s_prev + per_cell(y_in) * g
    sens_cell = keep[..., None] * state["sens_cell"] \
        + (per_cell(y_in) * dg)[..., None] * z[:, None, :]
    sens_in = keep[..., None] * state["sens_in"] \
        + (g * per_cell(y_in * (1 - y_in)))[..., None] * z1[:, None, :]
    if network.forget_gates:
        sens_forget = keep[..., None] * state["sens_forget"] \
            + (s_prev * per_cell(y_phi * (1 - y_phi)))[..., None] \
            * z1[:, None, :]
    h = np.tanh(0.5 * s)  # h(s) = 2 f(s) - 1
    dh = 0.5 * (1 - h * h)
    y_c = per_cell(y_out) * h
    seen = np.concatenate([x, y_c, np.ones((trials, 1))], axis=1)
    y_k = sigmoid(np.einsum("km,kmo->ko", seen, weights["output_kernel"]))

    state.update(y_c=y_c, s=s, sens_cell=sens_cell, sens_in=sens_in)
    if network.forget_gates:
        state["sens_forget"] = sens_forget
    rates = np.asarray(rates, np.float64)
    if not rates.any():
        return y_k

    delta = (y_k - np.asarray(targets, np.float64)) * y_k * (1 - y_k)
    e_c = np.einsum("ko,kco->kc", delta, weights["output_kernel"][:, d:d + c])
    e_s = e_c * per_cell(y_out) * dh
    d_out = (e_c * h).reshape(trials, blocks, k_cells).sum(-1) \
        * y_out * (1 - y_out)

    def block_sum(sens):  # (K, C, M) -> (K, M, B): a block's cells share
        part = e_s[..., None] * sens  # its gates
        return part.reshape(trials, blocks, k_cells, -1).sum(2) \
            .transpose(0, 2, 1)

    grad_gates = [block_sum(sens_in)]
    if network.forget_gates:
        grad_gates.append(block_sum(sens_forget))
    grad_gates.append(z1[:, :, None] * d_out[:, None, :])
    grads = {
        "cell_kernel": (e_s[..., None] * sens_cell).transpose(0, 2, 1),
        "gate_kernel": np.concatenate(grad_gates, axis=2),
        "output_kernel": seen[:, :, None] * delta[:, None, :]}
    for name, grad in grads.items():
        weights[name] -= rates[:, None, None] * grad
    return y_k
