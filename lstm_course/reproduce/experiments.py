"""The 1997 experiments as data: the task, the paper's network and learning
rate, its success criterion, its results, and our sizes per mode.

Numbers marked as the paper's are from ``shared/PAPER_NOTES.md`` ("The
1997 experiments"): sequences seen until the stop criterion held, and the
share of successful trials where the paper gives one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np

from lstm_course.tasks import criteria, long_lag, marked_pairs, reber
from lstm_course.tasks.noise_signal import noise_and_signal
from lstm_course.tasks.sequences import Sequences
from lstm_course.tasks.temporal_order import temporal_order


def embedded_reber_sequences(rng: np.random.Generator, n_sequences: int,
                             size: int | None = None) -> Sequences:
    """Experiment 1 as :class:`Sequences`: int32 symbols of B T P S X V E,
    the possible next symbols as multi-hot targets (``size`` unused)."""
    inputs, targets, mask = reber.embedded_reber(rng, n_sequences)
    lengths = mask.sum(1) + 1
    symbols = inputs.argmax(-1).astype(np.int32)
    symbols[inputs.sum(-1) == 0] = -1
    return Sequences(symbols, targets, mask, lengths, len(reber.SYMBOLS))


@dataclass(frozen=True)
class Experiment:
    """One experiment of the paper.

    generate(rng, n, size) -> Sequences; ``size`` is the parameter named
    ``size_name`` (p, q or T), None where there is none. ``criterion``
    (outputs, batch) -> bool per sequence; a trial is solved when a share
    ``required`` of a fresh test set is right.
    """

    name: str
    title: str
    generate: Callable
    criterion: Callable
    blocks: int
    cells_per_block: int
    learning_rate: float
    weight_range: float = 0.1
    input_gate_bias: tuple | None = None
    output_gate_bias: tuple | None = None
    #: output biases start at the logit of each output's mean target
    #: (our remedy for many next-symbol outputs that are mostly 0).
    base_rate_outputs: bool = False
    #: the cell's squashing: g "paper" or "logistic", h "paper" or "identity".
    cell_input: str = "paper"
    cell_output: str = "paper"
    size_name: str | None = None
    required: float = 1.0
    #: size -> the paper's sequences to solve (None: not reported).
    paper_sequences: dict = field(default_factory=dict)
    #: the paper's % of successful trials, where it says.
    paper_success: float | None = None
    #: mode -> (size, budget in sequences, test sequences, check every).
    modes: dict = field(default_factory=dict)
    paper_note: str = ""

    def describe(self, size) -> str:
        return self.name if self.size_name is None \
            else f"{self.name} ({self.size_name} = {size})"


def _below(tolerance):
    return partial(criteria.end_error_below, tolerance=tolerance)


EXPERIMENTS = {e.name: e for e in [
    Experiment(
        "1", "embedded Reber grammar", embedded_reber_sequences,
        criteria.symbols_right, blocks=3, cells_per_block=2,
        learning_rate=0.5, weight_range=0.2, output_gate_bias=(-1, -2, -3),
        base_rate_outputs=True,
        paper_sequences={None: 8_440}, paper_success=100,
        modes={"smoke": (None, 256, 64, 128),
               "class": (None, 20_000, 256, 1_000),
               "paper": (None, 100_000, 256, 1_000)},
        paper_note="3 blocks x 2 cells, lr 0.5; 256 training and 256 test "
        "strings"),
    Experiment(
        "2a", "noise-free long lag", long_lag.noise_free_long_lag,
        criteria.symbols_right, blocks=1, cells_per_block=1,
        learning_rate=1.0, weight_range=0.2, cell_input="logistic",
        cell_output="identity", size_name="p", base_rate_outputs=True,
        # The paper's net has no output gate: ours starts wide open.
        input_gate_bias=-1, output_gate_bias=5,
        paper_sequences={100: 5_040}, paper_success=100,
        modes={"smoke": (5, 256, 2, 128), "class": (100, 20_000, 2, 500),
               "paper": (100, 100_000, 2, 500)},
        paper_note="1 cell, input gate only, logistic g and identity h; "
        "18 trials"),
    Experiment(
        "2b", "long lag, random middle", long_lag.random_middle_long_lag,
        criteria.final_symbol_right, blocks=1, cells_per_block=1,
        learning_rate=1.0, weight_range=0.2, cell_input="logistic",
        cell_output="identity", size_name="p", base_rate_outputs=True,
        # The paper's net has no output gate: ours starts wide open.
        input_gate_bias=-1, output_gate_bias=5,
        paper_sequences={100: 5_680}, paper_success=100,
        modes={"smoke": (5, 256, 64, 128), "class": (100, 20_000, 256, 500),
               "paper": (100, 100_000, 1_000, 500)},
        paper_note="as 2a"),
    Experiment(
        "2c", "very long lags with distractors",
        long_lag.distractor_long_lag, _below(0.2), blocks=2,
        cells_per_block=1, learning_rate=0.01, weight_range=0.2,
        size_name="q",
        paper_sequences={50: 30_000, 100: 31_000, 200: 33_000, 500: 38_000,
                         1000: 49_000},
        modes={"smoke": (5, 256, 64, 128), "class": (50, 60_000, 1_000, 2_000),
               "paper": (1000, 150_000, 10_000, 5_000)},
        paper_note="2 blocks x 1 cell, lr 0.01, p = q; solved when both "
        "outputs' errors stay below 0.2 for 10,000 sequences"),
    Experiment(
        "3a", "noise and signal on one channel",
        partial(noise_and_signal, signal=3), _below(0.2), blocks=3,
        cells_per_block=1, learning_rate=1.0, size_name="T",
        paper_sequences={1000: 446_850},
        modes={"smoke": (10, 256, 64, 128), "class": (100, 40_000, 256, 2_000),
               "paper": (1000, 500_000, 256, 5_000)},
        paper_note="3 blocks x 1 cell, lr 1.0, N = 3; stop rule ST1: none of "
        "256 test sequences misclassified"),
    Experiment(
        "4", "adding problem", marked_pairs.adding_1997, _below(0.04),
        blocks=2, cells_per_block=2, learning_rate=0.5, size_name="T",
        input_gate_bias=(-3, -6),
        paper_sequences={100: 74_000, 500: 209_000, 1000: 853_000},
        modes={"smoke": (10, 256, 64, 128),
               "class": (100, 100_000, 2_560, 5_000),
               "paper": (1000, 1_000_000, 2_560, 20_000)},
        required=0.999,
        paper_note="2 blocks x 2 cells, lr 0.5; stop when the average "
        "training error is below 0.01 and the last 2,000 sequences were "
        "right; 1/2560 test errors at T = 100"),
    Experiment(
        "5", "multiplication problem", marked_pairs.multiplication_1997,
        _below(0.04), blocks=2, cells_per_block=2, learning_rate=0.1,
        size_name="T", input_gate_bias=(-3, -6),
        paper_sequences={100: 482_000}, required=1 - 140 / 2560,
        modes={"smoke": (10, 256, 64, 128),
               "class": (100, 100_000, 2_560, 5_000),
               "paper": (100, 1_000_000, 2_560, 20_000)},
        paper_note="lr 0.1; stopped with 139/2560 test sequences wrong "
        "(n_seq = 140), MSE 0.0223"),
    Experiment(
        "6a", "temporal order, 2 symbols (4 classes)",
        partial(temporal_order, relevant=2), _below(0.3), blocks=2,
        cells_per_block=2, learning_rate=0.5,
        paper_sequences={None: 31_390},
        modes={"smoke": (None, 256, 64, 128),
               "class": (None, 60_000, 2_560, 2_000),
               "paper": (None, 300_000, 2_560, 5_000)},
        paper_note="2 blocks x 2 cells, lr 0.5"),
    Experiment(
        "6b", "temporal order, 3 symbols (8 classes)",
        partial(temporal_order, relevant=3), _below(0.3), blocks=3,
        cells_per_block=2, learning_rate=0.1,
        paper_sequences={None: 571_100},
        modes={"smoke": (None, 256, 64, 128),
               "class": (None, 60_000, 2_560, 2_000),
               "paper": (None, 1_000_000, 2_560, 20_000)},
        paper_note="3 blocks x 2 cells, lr 0.1"),
]}


def generate(experiment: Experiment, rng, n, size) -> Sequences:
    """A batch of ``experiment`` at ``size`` (ignored where it has none)."""
    if experiment.size_name is None:
        return experiment.generate(rng, n)
    return experiment.generate(rng, n, size)
