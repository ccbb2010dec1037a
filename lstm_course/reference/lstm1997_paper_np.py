r"""The 1997 paper's networks in NumPy, float64: the forward pass of the
hidden layer of :class:`~lstm_course.cells.LSTM1997PaperCell` with its
logistic output units, and the gradient of appendix A.1 computed as the
paper computes it: forward, with RTRL sensitivities of the cell states.

The error is ``E = 1/2 sum_t sum_k m_t (d_k(t) - y_k(t))^2`` (``m_t`` the
steps with targets). Under the paper's truncation a net input's sources
``z(t)`` (inputs, cell outputs and gate activations of t-1, and 1 for a
bias) are constants, so only the states carry the past:

.. math::

    \frac{\partial s_c(t)}{\partial w_{c,u}} =
        \frac{\partial s_c(t-1)}{\partial w_{c,u}}
        + y^{in}_j(t)\, g'(net_c(t))\, z_u(t), \qquad
    \frac{\partial s_c(t)}{\partial w_{in_j,u}} =
        \frac{\partial s_c(t-1)}{\partial w_{in_j,u}}
        + g(net_c(t))\, f'(net_{in_j}(t))\, z_u(t)

and at each step the output units' deltas ``delta_k = (y_k - d_k) f'``
give the cells' errors ``e_c = sum_k w_{kc} delta_k``, the output gates'
``f'(net_{out_j}) sum_{c in j} e_c h(s_c)`` (times ``z(t)``), and
``dE/ds_c = e_c y^{out}_j h'(s_c)``, which multiplies the sensitivities.
Memory does not grow with the sequence's length, and the weights could
change after every step (Gers et al. 2000 do).

Weights are a dict keyed like the Keras model's: ``kernel`` (D, U),
``recurrent_kernel`` (C + G, U) for full connectivity, ``gate_bias`` (G,)
and ``cell_bias`` (C,) where the layer has them, ``output_kernel`` (C, K)
(or (D + C, K) for layered wiring, inputs first) and ``output_bias`` (K,).
Hidden units U are ordered ``[input gates | cells | output gates]``.
"""

from __future__ import annotations

import numpy as np

from lstm_course.reference.lstm1997_np import sigmoid


def _layout(spec):
    blocks, k = spec.blocks, spec.cells_per_block
    cells = blocks * k
    gates = blocks * (2 if spec.output_gates else 1)
    return blocks, k, cells, gates


def _bias(weights, cells, blocks):
    """The bias of every hidden unit in U's order (0 where none)."""
    if "gate_bias" not in weights:
        return None
    gate = weights["gate_bias"]
    cell = weights.get("cell_bias", np.zeros(cells))
    return np.concatenate([gate[:blocks], cell, gate[blocks:]])


def _cell_input(spec, net_c):
    """g(net_c) and g'(net_c): 4f - 2, or the logistic f (2a/2b)."""
    f = sigmoid(net_c)
    if spec.cell_input == "paper":
        return 4 * f - 2, 4 * f * (1 - f)
    return f, f * (1 - f)


def _cell_output(spec, s):
    """h(s) and h'(s): 2f - 1, or the identity (2a/2b)."""
    if spec.cell_output == "paper":
        f = sigmoid(s)
        return 2 * f - 1, 2 * f * (1 - f)
    return s, np.ones_like(s)


def forward(x, weights, spec):
    """Outputs (N, T, K) and the per-step values (sources z, nets, gates,
    states, cell outputs) of the network ``spec`` (a
    :class:`~lstm_course.reproduce.networks.PaperNetwork` or anything with
    its fields) on real inputs ``x`` (N, T, D)."""
    x = np.asarray(x, np.float64)
    n, steps, _ = x.shape
    blocks, k, cells, gates = _layout(spec)
    bias = _bias(weights, cells, blocks)
    y_c, y_g, s = np.zeros((n, cells)), np.zeros((n, gates)), \
        np.zeros((n, cells))
    trace = []
    outputs = []
    for t in range(steps):
        z = x[:, t]
        net = z @ weights["kernel"]
        if spec.connectivity == "full":
            recurrent = np.concatenate([y_c, y_g], axis=1)
            net = net + recurrent @ weights["recurrent_kernel"]
            z = np.concatenate([z, recurrent], axis=1)
        if bias is not None:
            net = net + bias
        y_in = sigmoid(net[:, :blocks])
        net_c = net[:, blocks:blocks + cells]
        y_out = sigmoid(net[:, blocks + cells:]) if spec.output_gates \
            else np.ones((n, blocks))
        g, dg = _cell_input(spec, net_c)
        s = s + np.repeat(y_in, k, axis=1) * g
        h, dh = _cell_output(spec, s)
        y_c = np.repeat(y_out, k, axis=1) * h
        y_g = np.concatenate([y_in, y_out], axis=1) if spec.output_gates \
            else y_in
        seen = y_c if spec.connectivity == "full" else \
            np.concatenate([x[:, t], y_c], axis=1)
        out_net = seen @ weights["output_kernel"]
        if "output_bias" in weights:
            out_net = out_net + weights["output_bias"]
        y_k = sigmoid(out_net)
        outputs.append(y_k)
        trace.append({"z": z, "y_in": y_in, "y_out": y_out, "g": g,
                      "dg": dg, "s": s, "h": h, "dh": dh, "y_c": y_c,
                      "seen": seen, "y_k": y_k})
    return np.stack(outputs, axis=1), trace


def rtrl_gradient(x, targets, mask, weights, spec):
    """dE/dw for every weight (a dict like ``weights``) by the paper's
    truncated RTRL, summed over the sequences of the batch."""
    blocks, k, cells, gates = _layout(spec)
    with_bias = "gate_bias" in weights
    _, trace = forward(x, weights, spec)
    targets = np.asarray(targets, np.float64)
    mask = np.asarray(mask, np.float64)
    n = targets.shape[0]
    width = trace[0]["z"].shape[1] + 1  # sources and the bias input 1
    sens_cell = np.zeros((n, cells, width))  # ds_c / dw_{c,u}
    sens_in = np.zeros((n, cells, width))  # ds_c / dw_{in_j(c),u}
    hidden = blocks + cells + (blocks if spec.output_gates else 0)
    d_hidden = np.zeros((width, hidden))  # [sources + bias] x U
    d_out_kernel = np.zeros_like(weights["output_kernel"])
    d_out_bias = np.zeros(weights["output_kernel"].shape[1])
    for t, v in enumerate(trace):
        z = np.concatenate([v["z"], np.ones((n, 1))], axis=1)
        net_in_slope = v["y_in"] * (1 - v["y_in"])
        sens_cell += (np.repeat(v["y_in"], k, axis=1) * v["dg"])[..., None] \
            * z[:, None, :]
        sens_in += (v["g"] * np.repeat(net_in_slope, k, axis=1))[..., None] \
            * z[:, None, :]
        delta = (v["y_k"] - targets[:, t]) * v["y_k"] * (1 - v["y_k"]) \
            * mask[:, t, None]
        d_out_kernel += v["seen"].T @ delta
        d_out_bias += delta.sum(0)
        e_c = delta @ weights["output_kernel"][-cells:].T  # (n, C)
        if spec.output_gates:
            d_net_out = (e_c * v["h"]).reshape(n, blocks, k).sum(-1) \
                * v["y_out"] * (1 - v["y_out"])
            d_hidden[:, blocks + cells:] += z.T @ d_net_out
        d_s = e_c * np.repeat(v["y_out"], k, axis=1) * v["dh"]
        d_hidden[:, blocks:blocks + cells] += np.einsum(
            "nc,ncu->uc", d_s, sens_cell)
        d_hidden[:, :blocks] += np.einsum(
            "nc,ncu->uc", d_s, sens_in).reshape(width, blocks, k).sum(-1)
    sources = width - 1
    inputs = weights["kernel"].shape[0]
    grads = {"kernel": d_hidden[:inputs]}
    if spec.connectivity == "full":
        grads["recurrent_kernel"] = d_hidden[inputs:sources]
    if with_bias:
        bias = d_hidden[sources]
        grads["gate_bias"] = np.concatenate([bias[:blocks],
                                             bias[blocks + cells:]])
        if "cell_bias" in weights:
            grads["cell_bias"] = bias[blocks:blocks + cells]
    grads["output_kernel"] = d_out_kernel
    if "output_bias" in weights:
        grads["output_bias"] = d_out_bias
    return grads
