r"""The paper's training of its networks, for K independent trials at once.

Each trial has its own weights, its own stream of sequences and its own
stop time; all K advance together, one sequence each per weight change
(online, batch 1), with plain gradient descent at the paper's learning rate
on the error of appendix A.1, ``E = 1/2 sum_t sum_k (d_k(t) - y_k(t))^2``
over the steps that carry targets. The gradient is the paper's truncated
one, computed as the paper computes it: forward, with RTRL sensitivities
of the cell states (:mod:`lstm_course.reference.lstm1997_paper_np` has the
equations; this module is the same algorithm with a leading trial axis on
every array). Memory is flat in the sequence's length, so 2c at q = 1,000
costs what 2c at q = 50 costs per step.

Weights are a dict of arrays ``(K, ...)`` keyed like the reference's and
the Keras model's (:func:`to_keras` copies one trial into a model).
"""

from __future__ import annotations

import numpy as np

from lstm_course.reproduce.networks import PaperNetwork, build_network
from lstm_course.tasks.sequences import Sequences


def initial_weights(network: PaperNetwork, size, seeds) -> dict:
    """Weights of one trial per seed, uniform in the network's weight
    interval, gate biases where the paper starts them (``(K, ...)``)."""
    shapes = weight_shapes(network, size)
    trials = []
    for seed in seeds:
        rng = np.random.default_rng([int(seed), 1997])
        w = {name: rng.uniform(-network.weight_range, network.weight_range,
                               shape) for name, shape in shapes.items()}
        if "gate_bias" in w:
            b = network.blocks
            if network.input_gate_bias is not None:
                w["gate_bias"][:b] = network.input_gate_bias
            if network.output_gate_bias is not None:
                w["gate_bias"][b:] = network.output_gate_bias
        trials.append(w)
    return {name: np.stack([w[name] for w in trials]) for name in shapes}


def weight_shapes(network: PaperNetwork, size) -> dict:
    """The shape of every weight array of one trial, in the Keras model's
    order."""
    d, k = network.inputs(size), network.outputs(size)
    c = network.blocks * network.cells_per_block
    g = network.blocks * (2 if network.output_gates else 1)
    shapes = {"kernel": (d, c + g)}
    if network.connectivity == "full":
        shapes["recurrent_kernel"] = (c + g, c + g)
    if network.biases != "none":
        shapes["gate_bias"] = (g,)
    if network.biases == "hidden":
        shapes["cell_bias"] = (c,)
    shapes["output_kernel"] = (c if network.connectivity == "full"
                               else d + c, k)
    if network.output_bias:
        shapes["output_bias"] = (k,)
    return shapes


def count_weights(network: PaperNetwork, size) -> int:
    return sum(int(np.prod(s)) for s in weight_shapes(network, size).values())


def to_keras(network: PaperNetwork, size, weights: dict, trial: int,
             symbols=True):
    """A Keras model of ``network`` holding trial ``trial``'s weights."""
    model = build_network(network, size, symbols=symbols)
    model.set_weights([weights[name][trial].astype("float32")
                       for name in weight_shapes(network, size)])
    return model


def hidden_bias(weights: dict, blocks: int, cells: int):
    """(K, U): every hidden unit's bias in U's order ``[input gates |
    cells | output gates]`` (0 for cells without one); None without
    biases."""
    if "gate_bias" not in weights:
        return None
    gate = weights["gate_bias"]
    cell = weights.get("cell_bias", np.zeros((len(gate), cells)))
    return np.concatenate([gate[:, :blocks], cell, gate[:, blocks:]], 1)


def named_hidden_gradient(d_x, d_r, weights: dict, blocks: int,
                          cells: int) -> dict:
    """The gradients of the hidden units' weights by name, from the table
    of sources x U: ``d_x`` for the inputs, ``d_r`` for the recurrent
    activations with the bias input 1 last."""
    grads = {"kernel": d_x}
    if "recurrent_kernel" in weights:
        grads["recurrent_kernel"] = d_r[:, :-1]
    if "gate_bias" in weights:
        last = d_r[:, -1]
        grads["gate_bias"] = np.concatenate([last[:, :blocks],
                                             last[:, blocks + cells:]], 1)
        if "cell_bias" in weights:
            grads["cell_bias"] = last[:, blocks:blocks + cells]
    return grads


def sigmoid(x):
    """f(x) = 1 / (1 + e^-x), as 1/2 + tanh(x/2)/2: no overflow, few ops."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def _cell_input(network, f):
    """g and g' from f = sigmoid(net_c)."""
    if network.cell_input == "paper":
        return 4 * f - 2, 4 * f * (1 - f)
    return f, f * (1 - f)


def _cell_output(network, s):
    """h(s) = 2 f(s) - 1 = tanh(s/2) and h', or the identity."""
    if network.cell_output == "paper":
        h = np.tanh(0.5 * s)
        return h, 0.5 * (1 - h * h)
    return s, np.ones_like(s)


class _Step:
    """The inputs of one step, ``(K, n)`` symbols or ``(K, n, D)`` reals,
    and the few things done with them: one-hot symbols are never expanded
    (2c at q = 1,000 has 1,004 input units), rows are gathered and
    scattered instead."""

    def __init__(self, batch: Sequences, t: int):
        self.symbols = bool(batch.symbols)
        x = batch.inputs[:, :, t]
        if self.symbols:
            self.valid = (x >= 0).astype(np.float64)
            self.index = np.where(x >= 0, x, 0)
            trials, n = x.shape
            self.trial = np.broadcast_to(np.arange(trials)[:, None], (trials, n))
        else:
            self.x = np.asarray(x, np.float64)

    def project(self, matrix):
        """x W: (K, n, U) from W (K, D, U)."""
        if self.symbols:
            return matrix[self.trial, self.index] * self.valid[..., None]
        return self.x @ matrix

    def add_outer(self, target, values):
        """target (K, D, U) += sum_n x^T values (values (K, n, U))."""
        if self.symbols:
            np.add.at(target, (self.trial, self.index),
                      values * self.valid[..., None])
        else:
            target += np.einsum("knd,knu->kdu", self.x, values)

    def add_to_sensitivity(self, sens, coefficient):
        """sens (K, n, C, D) += coefficient (K, n, C) x."""
        if self.symbols:
            n_index = np.broadcast_to(np.arange(sens.shape[1])[None],
                                      self.index.shape)
            sens[self.trial, n_index, :, self.index] += \
                coefficient * self.valid[..., None]
        else:
            sens += coefficient[..., None] * self.x[:, :, None]


def run(network: PaperNetwork, weights: dict, batch: Sequences,
        learn: bool = False):
    """Outputs ``(K, n, T, K_out)`` of every trial on its own ``n``
    sequences (``batch`` arrays have a leading trial axis: inputs
    ``(K, n, T)`` symbols or ``(K, n, T, D)``, targets ``(K, n, T,
    K_out)``, mask ``(K, n, T)``), and with ``learn`` the gradient of E
    summed over each trial's sequences, a dict like ``weights``."""
    blocks, k = network.blocks, network.cells_per_block
    c = blocks * k
    gated = network.output_gates
    full = network.connectivity == "full"
    trials, n, steps = batch.mask.shape
    bias = hidden_bias(weights, blocks, c)
    y_c = np.zeros((trials, n, c))
    y_g = np.zeros((trials, n, blocks * (2 if gated else 1)))
    s = np.zeros((trials, n, c))
    outputs = np.zeros(batch.targets.shape)
    v_cells = weights["output_kernel"][:, -c:]  # (K, C, K_out)
    v_inputs = weights["output_kernel"][:, :-c]  # layered wiring only
    d = weights["kernel"].shape[1]
    if learn:
        # The sensitivities ds_c/dw of the weights into cell c and into its
        # input gate: from the inputs (x) and from the recurrent
        # activations and the bias input 1 (r).
        width_r = 1 + (y_c.shape[-1] + y_g.shape[-1] if full else 0)
        sens_cell_x = np.zeros((trials, n, c, d))
        sens_in_x = np.zeros((trials, n, c, d))
        sens_cell_r = np.zeros((trials, n, c, width_r))
        sens_in_r = np.zeros((trials, n, c, width_r))
        grads = {name: np.zeros_like(value) for name, value in weights.items()}
        d_x = np.zeros((trials, d, weights["kernel"].shape[2]))
        d_r = np.zeros((trials, width_r, weights["kernel"].shape[2]))
    mask = np.asarray(batch.mask, np.float64)
    targets = np.asarray(batch.targets, np.float64)
    ones = np.ones((trials, n, 1))
    for t in range(steps):
        x = _Step(batch, t)
        net = x.project(weights["kernel"])
        if full:
            recurrent = np.concatenate([y_c, y_g, ones], axis=-1)
            net += recurrent[..., :-1] @ weights["recurrent_kernel"]
        else:
            recurrent = ones
        if bias is not None:
            net += bias[:, None]
        y = sigmoid(net)  # every hidden unit is a sigmoid underneath
        y_in = y[..., :blocks]
        y_out = y[..., blocks + c:] if gated else None
        g, dg = _cell_input(network, y[..., blocks:blocks + c])
        in_cells = np.repeat(y_in, k, axis=-1)
        s = s + in_cells * g
        h, dh = _cell_output(network, s)
        out_cells = np.repeat(y_out, k, axis=-1) if gated else 1.0
        y_c = out_cells * h
        y_g = np.concatenate([y_in, y_out], axis=-1) if gated else y_in
        out_net = y_c @ v_cells
        if not full:
            out_net += x.project(v_inputs)
        if "output_bias" in weights:
            out_net += weights["output_bias"][:, None]
        y_k = sigmoid(out_net)
        outputs[:, :, t] = y_k
        if not learn:
            continue
        cell_slope = in_cells * dg
        in_slope = g * np.repeat(y_in * (1 - y_in), k, axis=-1)
        x.add_to_sensitivity(sens_cell_x, cell_slope)
        x.add_to_sensitivity(sens_in_x, in_slope)
        sens_cell_r += cell_slope[..., None] * recurrent[:, :, None]
        sens_in_r += in_slope[..., None] * recurrent[:, :, None]
        m = mask[:, :, t]
        if not m.any():
            continue
        delta = (y_k - targets[:, :, t]) * y_k * (1 - y_k) * m[..., None]
        grads["output_kernel"][:, -c:] += np.einsum("knc,kno->kco", y_c,
                                                    delta)
        if not full:
            x.add_outer(grads["output_kernel"][:, :-c], delta)
        if "output_bias" in grads:
            grads["output_bias"] += delta.sum(1)
        e_c = np.einsum("kno,kco->knc", delta, v_cells)
        if gated:
            d_out = (e_c * h).reshape(trials, n, blocks, k).sum(-1) \
                * y_out * (1 - y_out)
            x.add_outer(d_x[:, :, blocks + c:], d_out)
            d_r[:, :, blocks + c:] += np.einsum("knu,knj->kuj", recurrent,
                                                d_out)
        d_s = e_c * out_cells * dh
        for sens_x, sens_r, cols, per_block in (
                (sens_cell_x, sens_cell_r, slice(blocks, blocks + c), False),
                (sens_in_x, sens_in_r, slice(0, blocks), True)):
            for target, sens in ((d_x, sens_x), (d_r, sens_r)):
                part = np.einsum("knc,kncu->kuc", d_s, sens)
                if per_block:  # the cells of a block share its input gate
                    part = part.reshape(trials, -1, blocks, k).sum(-1)
                target[:, :, cols] += part
    if not learn:
        return outputs, None
    grads.update(named_hidden_gradient(d_x, d_r, weights, blocks, c))
    return outputs, grads


def sgd_step(weights: dict, grads: dict, learning_rate: float,
             active: np.ndarray) -> None:
    """``w -= learning_rate * dE/dw`` for the trials still ``active``; a
    stopped trial no longer changes."""
    scale = learning_rate * np.asarray(active, np.float64)
    for name, grad in grads.items():
        weights[name] -= scale.reshape((-1,) + (1,) * (grad.ndim - 1)) * grad
