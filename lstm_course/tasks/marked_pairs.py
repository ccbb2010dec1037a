"""Experiments 4 (adding) and 5 (multiplication) of Hochreiter &
Schmidhuber (1997) in the paper's coding.

Each step is a pair (value, marker). A sequence's length is drawn
uniformly from T..T + T/10. Two pairs are marked 1.0: the first among the
first 10, the second among the first T/2 - 1 (never the same); the first
and the last pair are otherwise marked -1.0, all others 0.0. At the end the
net outputs ``0.5 + (X1 + X2) / 4`` (adding, values in [-1, 1]; when the
first pair is a marked one, the paper sets its value to 0) or ``X1 * X2``
(multiplication, values in [0, 1]; a marked first pair's value is set to
1.0). A sequence counts as right when the
absolute error at its end is below 0.04. (:func:`~lstm_course.tasks.
adding_problem` is the simpler fixed-length version used in chapters 01-03.)
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng
from lstm_course.tasks.noise_signal import random_lengths
from lstm_course.tasks.sequences import Sequences, end_mask, valid_steps

TOLERANCE = 0.04


def _marked_pairs(rng, n_sequences, length, low):
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("length", length, 6, " (the second marker goes among the "
                 "first T/2 - 1 steps)")
    lengths = random_lengths(rng, n_sequences, length)
    width = int(lengths.max())
    rows = np.arange(n_sequences)
    # Among the first 10, but in a short sequence never on its last step,
    # whose -1 marks the end.
    first = rng.integers(0, min(10, length - 1), size=n_sequences)
    span = length // 2 - 1
    # Draw the second among the span without the first: shift past it.
    second = rng.integers(0, span - (first < span), size=n_sequences)
    second += (first < span) & (second >= first)
    values = rng.uniform(low, 1.0, size=(n_sequences, width))
    markers = np.zeros((n_sequences, width))
    markers[:, 0] = -1.0
    markers[rows, lengths - 1] = -1.0
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    padding = ~valid_steps(lengths, width)
    values[padding] = markers[padding] = 0.0
    return values, markers, first, second, lengths


def _pack(values, markers, answers, lengths):
    mask = end_mask(lengths, values.shape[1])
    targets = np.zeros((*values.shape, 1), np.float32)
    targets[mask, 0] = answers
    inputs = np.stack([values, markers], axis=-1).astype(np.float32)
    return Sequences(inputs, targets, mask, lengths)


def adding_1997(rng: np.random.Generator, n_sequences: int, length: int):
    """Experiment 4 with minimal length ``length`` (T >= 6).

    Returns :class:`Sequences`: inputs float32 (N, T_max, 2) pairs
    (value, marker), one target per sequence at its end.
    """
    values, markers, first, second, lengths = _marked_pairs(
        rng, n_sequences, length, -1.0)
    values[markers[:, 0] == 1.0, 0] = 0.0
    rows = np.arange(n_sequences)
    answers = 0.5 + (values[rows, first] + values[rows, second]) / 4.0
    return _pack(values, markers, answers, lengths)


def multiplication_1997(rng: np.random.Generator, n_sequences: int,
                        length: int):
    """Experiment 5: as :func:`adding_1997` with values in [0, 1] and the
    target ``X1 * X2``; when the first pair is a marked one, the paper sets
    its value X1 to 1.0."""
    values, markers, first, second, lengths = _marked_pairs(
        rng, n_sequences, length, 0.0)
    values[markers[:, 0] == 1.0, 0] = 1.0
    rows = np.arange(n_sequences)
    answers = values[rows, first] * values[rows, second]
    return _pack(values, markers, answers, lengths)
