"""Gers, Schmidhuber & Cummins (2000)'s network for the continual embedded
Reber grammar (CERG), as data, and its starting weights for K trials.

Four memory blocks of two cells; 7 one-hot inputs, 7 logistic outputs.
The cell inputs see the inputs and the previous step's cell outputs, with
no bias; the input, forget and output gates see the same and a bias; the
output units see the inputs, the cell outputs of the same step and a
bias: 424 weights with forget gates (``shared/PAPER_NOTES.md``, "Gers'
CERG setup", from a study note of the paper), 360 for the 1997 cell,
which has no forget gates. Weights start uniform in [-0.2, 0.2]; the gate
biases start block by block at -0.5, -1, -1.5, -2 (input and output
gates) and +0.5, +1, +1.5, +2 (forget gates). g and h are the 1997 paper's
(ranges [-2, 2] and [-1, 1]), which Gers et al. keep.

``state_decay`` is Table 2's "LSTM with state decay (0.9)": the 1997 cell
whose state keeps a fixed share of itself each step,
s_c(t) = 0.9 s_c(t-1) + y^in g(net_c) (Mozer's focused backpropagation,
which Gers et al. discuss in their section 2.1 and measure as no help).

Weights, each with a leading trial axis K:

- ``cell_kernel`` (D + C, C): rows ``[inputs | cell outputs of t-1]``;
- ``gate_kernel`` (D + C + 1, G): the same rows and the bias input 1,
  columns ``[input gates | forget gates | output gates]`` (no forget
  columns for the 1997 cell);
- ``output_kernel`` (D + C + 1, K_out): rows ``[inputs | cell outputs of
  t | 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CERGNetwork:
    """Gers' CERG network; ``forget_gates=False`` is the 1997 cell in the
    same wiring."""

    blocks: int = 4
    cells_per_block: int = 2
    inputs: int = 7
    outputs: int = 7
    forget_gates: bool = True
    weight_range: float = 0.2
    input_gate_bias: tuple = (-0.5, -1.0, -1.5, -2.0)
    forget_gate_bias: tuple = (0.5, 1.0, 1.5, 2.0)
    output_gate_bias: tuple = (-0.5, -1.0, -1.5, -2.0)
    state_decay: float = 1.0

    def __post_init__(self):
        if not 0 < self.state_decay <= 1:
            raise ValueError("state_decay is the share of the state kept "
                             f"each step, in (0, 1]; got {self.state_decay}")
        if self.forget_gates and self.state_decay != 1:
            raise ValueError("state_decay is for the 1997 cell "
                             "(forget_gates=False): forget gates learn "
                             "their own decay")
        for name in ("input_gate_bias", "forget_gate_bias",
                     "output_gate_bias"):
            if len(getattr(self, name)) != self.blocks:
                raise ValueError(
                    f"{name} needs one start per block ({self.blocks}), got "
                    f"{getattr(self, name)}")

    @property
    def cells(self) -> int:
        return self.blocks * self.cells_per_block

    @property
    def gates(self) -> int:
        return self.blocks * (3 if self.forget_gates else 2)

    def shapes(self) -> dict:
        d, c = self.inputs, self.cells
        return {"cell_kernel": (d + c, c),
                "gate_kernel": (d + c + 1, self.gates),
                "output_kernel": (d + c + 1, self.outputs)}

    def weights(self) -> int:
        """424 with forget gates, as Gers et al. count; 360 without."""
        return sum(int(np.prod(s)) for s in self.shapes().values())

    def gate_bias_starts(self) -> np.ndarray:
        starts = [self.input_gate_bias]
        if self.forget_gates:
            starts.append(self.forget_gate_bias)
        starts.append(self.output_gate_bias)
        return np.concatenate(starts)

    def describe(self) -> str:
        kind = "forget gates" if self.forget_gates else "1997 cell"
        if self.state_decay != 1:
            kind += f", state decay {self.state_decay}"
        return (f"{self.blocks} blocks x {self.cells_per_block} cells, "
                f"{kind}, {self.weights()} weights")


def initial_weights(network: CERGNetwork, seeds) -> dict:
    """``(K, ...)`` weights, trial k drawn from ``seeds[k]`` alone."""
    trials = []
    for seed in seeds:
        rng = np.random.default_rng([int(seed), 2000])
        w = {name: rng.uniform(-network.weight_range, network.weight_range,
                               shape)
             for name, shape in network.shapes().items()}
        w["gate_kernel"][-1] = network.gate_bias_starts()
        trials.append(w)
    return {name: np.stack([w[name] for w in trials])
            for name in network.shapes()}
