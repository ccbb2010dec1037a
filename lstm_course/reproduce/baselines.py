r"""The paper's baseline for experiment 2a (its Table 2): a net of one
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


def initial_weights(network: OneUnitNetwork, size, seeds) -> dict:
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
