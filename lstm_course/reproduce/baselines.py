r"""The paper's baselines that fit a laptop, K trials at once.

**Table 2 (experiment 2a)**: a net of one
self-recurrent hidden unit and p + 1 non-recurrent output units, each layer
connected to all layers below it, every unit logistic, no biases, trained
by the exact gradient, computed forward (RTRL), K trials at once:

.. math::

    h(t) = f(w_x \cdot x(t) + w_h h(t-1)), \quad h(0) = 0, \qquad
    y_k(t) = f(v_{x,k} \cdot x(t) + v_{h,k} h(t))

    p_x(t) = f'(\cdot)\,(x(t) + w_h p_x(t-1)), \quad
    p_h(t) = f'(\cdot)\,(h(t-1) + w_h p_h(t-1))

(p the sensitivities dh/dw). Weight changes come once per sequence, so the
gradient is also BPTT's: the paper's "RTRL" and "BPTT" rows train the same
way here. Weights: 36 at p = 4, 144 at p = 10, 10,404 at p = 100, the
paper's counts.

**Table 1 (experiment 1)**: an Elman net trained by Elman's procedure (the
paper quotes Cleeremans et al. 1989: 15 hidden units, about 435 weights,
no trial solved after more than 200,000 strings). The context units hold
the hidden layer's previous activations and count as plain inputs: the
gradient goes back one step only,

.. math::

    h(t) = f(W_x x(t) + W_c h(t-1) + b_h), \quad
    y(t) = f(V h(t) + b_y), \qquad
    \frac{\partial E(t)}{\partial W_c} = e_h(t)\, h(t-1)^\top

with every unit logistic and biased: 7 x 15 + 15 x 15 + 15 x 7 + 15 + 7 =
457 weights (the paper's estimate, 435, is this count without the biases;
Elman nets carry them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_course.reproduce.online import sigmoid
from lstm_course.tasks.sequences import Sequences


@dataclass(frozen=True)
class OneUnitNetwork:
    """Table 2's RTRL/BPTT net for 2a at ``p``: p + 1 inputs and outputs."""

    name: str = "2a one-unit"
    weight_range: float = 0.2

    def inputs(self, p):
        return p + 1

    def outputs(self, p):
        return p + 1

    def weights(self, p):
        return (p + 1) + 1 + (p + 1) * (p + 2)

    def describe(self) -> str:
        return "1 self-recurrent unit, layered"

    def shapes(self, p) -> dict:
        d = p + 1
        return {"w_x": (d,), "w_h": (1,), "v_x": (d, d), "v_h": (1, d)}


@dataclass(frozen=True)
class ElmanNetwork:
    """Table 1's Elman net: 7 symbols in and out, ``hidden`` context-fed
    units."""

    name: str = "1 Elman"
    hidden: int = 15
    symbols: int = 7
    weight_range: float = 0.2

    def inputs(self, size=None):
        return self.symbols

    def outputs(self, size=None):
        return self.symbols

    def weights(self, size=None):
        return sum(int(np.prod(s)) for s in self.shapes(size).values())

    def describe(self) -> str:
        return f"Elman, {self.hidden} hidden units with context"

    def shapes(self, size=None) -> dict:
        d, u = self.symbols, self.hidden
        return {"w_x": (d, u), "w_c": (u, u), "b_h": (u,),
                "v": (u, d), "b_y": (d,)}


BASELINES = (OneUnitNetwork, ElmanNetwork)


def initial_weights(network, size, seeds) -> dict:
    trials = []
    for seed in seeds:
        rng = np.random.default_rng([int(seed), 1997])
        trials.append({name: rng.uniform(-network.weight_range,
                                         network.weight_range, shape)
                       for name, shape in network.shapes(size).items()})
    return {name: np.stack([w[name] for w in trials])
            for name in network.shapes(size)}


def _dense(batch: Sequences, t: int) -> np.ndarray:
    x = batch.inputs[:, :, t]
    if not batch.symbols:
        return np.asarray(x, np.float64)
    out = np.zeros((*x.shape, batch.symbols))
    valid = x >= 0
    out[valid, x[valid]] = 1.0
    return out


def run(network, weights: dict, batch: Sequences, learn: bool = False):
    """Either baseline's outputs and, with ``learn``, its gradient."""
    if isinstance(network, ElmanNetwork):
        return _run_elman(weights, batch, learn)
    return _run_one_unit(weights, batch, learn)


def _run_one_unit(weights: dict, batch: Sequences, learn: bool):
    """Outputs ``(K, n, T, p + 1)`` and, with ``learn``, dE/dw summed over
    each trial's sequences (E = 1/2 sum of squared errors at the steps
    with targets), as :func:`lstm_course.reproduce.online.run`."""
    trials, n, steps = batch.mask.shape
    w_x, w_h = weights["w_x"], weights["w_h"][:, :, None]  # (K,D), (K,1,1)
    v_x, v_h = weights["v_x"], weights["v_h"]
    h = np.zeros((trials, n, 1))
    p_x = np.zeros((trials, n, w_x.shape[1]))
    p_h = np.zeros((trials, n, 1))
    outputs = np.zeros(batch.targets.shape)
    grads = {name: np.zeros_like(value) for name, value in weights.items()}
    for t in range(steps):
        x = _dense(batch, t)
        h_prev = h
        h = sigmoid(np.einsum("knd,kd->kn", x, w_x)[..., None]
                    + w_h * h_prev)
        y = sigmoid(x @ v_x + h @ v_h)
        outputs[:, :, t] = y
        if not learn:
            continue
        slope = h * (1 - h)
        p_x = slope * (x + w_h * p_x)
        p_h = slope * (h_prev + w_h * p_h)
        delta = (y - batch.targets[:, :, t]) * y * (1 - y) \
            * batch.mask[:, :, t, None]
        grads["v_x"] += np.einsum("knd,kno->kdo", x, delta)
        grads["v_h"] += np.einsum("kni,kno->kio", h, delta)
        e_h = np.einsum("kno,kio->kni", delta, v_h)
        grads["w_x"] += np.einsum("kni,knd->kd", e_h, p_x)
        grads["w_h"] += np.einsum("kni,kni->ki", e_h, p_h)
    return outputs, grads if learn else None


def _run_elman(weights: dict, batch: Sequences, learn: bool):
    """Outputs ``(K, n, T, 7)`` and, with ``learn``, Elman's one-step
    gradient of E (1/2 the squared errors at the steps with targets)
    summed over each trial's sequences."""
    trials, n, steps = batch.mask.shape
    h = np.zeros((trials, n, weights["w_c"].shape[1]))
    outputs = np.zeros(batch.targets.shape)
    grads = {name: np.zeros_like(value) for name, value in weights.items()}
    for t in range(steps):
        x = _dense(batch, t)
        context = h
        h = sigmoid(x @ weights["w_x"] + context @ weights["w_c"]
                    + weights["b_h"][:, None])
        y = sigmoid(h @ weights["v"] + weights["b_y"][:, None])
        outputs[:, :, t] = y
        if not learn:
            continue
        delta = (y - batch.targets[:, :, t]) * y * (1 - y) \
            * batch.mask[:, :, t, None]
        grads["v"] += np.einsum("knu,kno->kuo", h, delta)
        grads["b_y"] += delta.sum(1)
        e_h = np.einsum("kno,kuo->knu", delta, weights["v"]) * h * (1 - h)
        grads["w_x"] += np.einsum("knd,knu->kdu", x, e_h)
        grads["w_c"] += np.einsum("knv,knu->kvu", context, e_h)
        grads["b_h"] += e_h.sum(1)
    return outputs, grads if learn else None
