"""The adding problem (Hochreiter & Schmidhuber 1997, section 5.4, experiment 4).

Each step holds a pair: a value drawn uniformly from [-1, 1] and a marker.
Two steps are marked with 1.0: the first among the first 10 steps, the second
among the first T/2 - 1 steps (never the same step). At the end the network
must output ``0.5 + (X1 + X2) / 4``, a number in [0, 1], from the two marked
values X1 and X2; every other value is a distractor. The minimal time lag
between the second marked value and the answer is T/2 + 1 steps. Predicting
the mean 0.5 every time gives a mean squared error of 1/24 ~ 0.042.
Introduced in chapter 01; chapter 04 reproduces the paper's runs.
"""

from __future__ import annotations

import numpy as np

TRIVIAL_MSE = 1.0 / 24.0  # Var(X1 + X2) / 16 with X ~ U[-1, 1]


def _require_int(name, value, low, why=""):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or value < low:
        raise ValueError(f"{name} must be an integer >= {low}{why}, "
                         f"got {value!r}")


def _require_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. "
                        f"np.random.default_rng(0); got {type(rng).__name__}")


def adding_problem(rng: np.random.Generator, n_sequences: int, length: int):
    """Sequences of the adding problem.

    Args:
        rng: the generator to draw from (global seeds are not touched).
        n_sequences: N > 0.
        length: T >= 6, so that the second marker has at least two places.

    Returns:
        ``(inputs, targets)``: float32 ``(N, T, 2)`` (value, marker) pairs and
        float32 ``(N, 1)`` targets ``0.5 + (X1 + X2) / 4``.
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("length", length, 6, " (the second marker goes among the "
                 "first T/2 - 1 steps)")
    rows = np.arange(n_sequences)
    first = rng.integers(0, min(10, length), size=n_sequences)
    second_span = length // 2 - 1
    # Draw the second among the span without the first: shift past it.
    second = rng.integers(0, second_span - (first < second_span),
                          size=n_sequences)
    second += (first < second_span) & (second >= first)
    values = rng.uniform(-1.0, 1.0, size=(n_sequences, length))
    markers = np.zeros((n_sequences, length))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    targets = 0.5 + (values[rows, first] + values[rows, second]) / 4.0
    inputs = np.stack([values, markers], axis=-1).astype(np.float32)
    return inputs, targets[:, None].astype(np.float32)
