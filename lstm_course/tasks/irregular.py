r"""Irregularly sampled sine waves: the home ground of the ODE-RNN
(chapter 06).

Each sequence is one wave :math:`y(t) = a \sin(\omega t + \varphi)` with its
own amplitude a ~ U[0.5, 1.5], angular frequency ω ~ U[0.5, 1.5] and phase
φ ~ U[0, 2π), observed at ``points`` times drawn uniformly from
[0, ``span``] and sorted: the gaps between samples are random. The task:
from those samples, predict the wave at a query time a gap g ~ U[0.5, 2]
after the last sample.

Inputs are (N, points + 1, 3): per step the observed value, a flag (1 for
an observation, 0 for the query step, whose value is 0), and Δt, the time
since the previous step (0 for the first), which the ODE-RNN reads as its
last feature. Targets are (N, 1).
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng

FEATURES = ("value", "observed", "gap")


def irregular_sine(rng: np.random.Generator, n_sequences: int,
                   points: int = 20, span: float = 10.0):
    """``(inputs, targets, times)``: float32 (N, points + 1, 3) and (N, 1),
    and the float64 (N, points + 1) times of the steps (the query last)."""
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("points", points, 1)
    if not np.isfinite(span) or span <= 0:
        raise ValueError(f"span must be a positive number, got {span!r}")
    amplitude = rng.uniform(0.5, 1.5, (n_sequences, 1))
    frequency = rng.uniform(0.5, 1.5, (n_sequences, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (n_sequences, 1))
    observed = np.sort(rng.uniform(0.0, span, (n_sequences, points)), axis=1)
    query = observed[:, -1:] + rng.uniform(0.5, 2.0, (n_sequences, 1))
    times = np.concatenate([observed, query], axis=1)
    wave = amplitude * np.sin(frequency * times + phase)
    inputs = np.zeros((n_sequences, points + 1, 3))
    inputs[:, :-1, 0] = wave[:, :-1]
    inputs[:, :-1, 1] = 1.0
    inputs[:, 1:, 2] = np.diff(times, axis=1)
    return (inputs.astype("float32"), wave[:, -1:].astype("float32"), times)
