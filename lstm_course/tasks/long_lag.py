"""Experiments 2a-2c of Hochreiter & Schmidhuber (1997): symbol sequences
whose first (or second) element must be remembered until the end.

2a, noise-free: (y, a_1, ..., a_{p-1}, y) or (x, a_1, ..., a_{p-1}, x),
each with probability 1/2; the net predicts the next symbol at every step.
2b: the same with a random middle (no local regularities).
2c, very long lags with distractors: (b, x, a_{i_1}, ..., a_{i_{q+k}}, e,
x) or the same with y; after the prefix (b, x|y, q distractors) each step
adds a further distractor with probability 9/10 or the trigger e with
probability 1/10; only the final x|y, which follows e, is to be predicted.
The minimal time lag is q + 1; the expected length is q + 13 (q + 12 fed in).

Symbols are one-hot ("locally") coded. The element a network never has to
predict from (the final one) is not fed in: the last input step is the one
whose target is the remembered symbol. Chapter 04 reproduces these runs.
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng
from lstm_course.tasks.sequences import (Sequences, end_mask, one_hot,
                                         valid_steps)


def _two_ends(rng, n_sequences, p, middle):
    """Sequences (first, middle..., ) with the first symbol x or y."""
    first = rng.integers(p - 1, p + 1, size=n_sequences)  # x = p-1, y = p
    inputs = np.concatenate([first[:, None], middle], axis=1)
    following = np.concatenate([middle, first[:, None]], axis=1)
    return inputs.astype(np.int32), one_hot(following, p + 1)


def noise_free_long_lag(rng: np.random.Generator, n_sequences: int, p: int):
    """Experiment 2a: ``p + 1`` symbols a_1..a_{p-1} (indices 0..p-2),
    x (p - 1) and y (p); inputs (x|y, a_1, ..., a_{p-1}), targets the next
    symbol at every step, the last being x|y again. Time lag p.

    Returns :class:`Sequences` of length p, ``symbols = p + 1``.
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("p", p, 2, " (the sequence is x|y, a_1..a_{p-1}, x|y)")
    middle = np.broadcast_to(np.arange(p - 1), (n_sequences, p - 1))
    inputs, targets = _two_ends(rng, n_sequences, p, middle)
    return Sequences(inputs, targets, np.ones((n_sequences, p), bool),
                     np.full(n_sequences, p), p + 1)


def random_middle_long_lag(rng: np.random.Generator, n_sequences: int,
                           p: int):
    """Experiment 2b: as :func:`noise_free_long_lag` with the middle
    a_{i_1}..a_{i_{p-1}} drawn uniformly from a_1..a_{p-1}; only the final
    x|y is predictable, though every step has its next symbol as target."""
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("p", p, 2, " (the sequence is x|y, p - 1 symbols, x|y)")
    middle = rng.integers(0, p - 1, size=(n_sequences, p - 1))
    inputs, targets = _two_ends(rng, n_sequences, p, middle)
    return Sequences(inputs, targets, np.ones((n_sequences, p), bool),
                     np.full(n_sequences, p), p + 1)


def distractor_long_lag(rng: np.random.Generator, n_sequences: int, q: int,
                        p: int | None = None):
    """Experiment 2c: symbols a_1..a_p (indices 0..p-1), e (p), b (p + 1),
    x (p + 2), y (p + 3); inputs (b, x|y, q + k distractors, e) with k >= 0
    geometric (P(k) = 0.1 * 0.9^k); one target, at the e: x or y as the two
    outputs (1, 0) or (0, 1). The paper uses p = q (the default).

    Returns :class:`Sequences` of lengths q + k + 3, ``symbols = p + 4``.
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("q", q, 1)
    p = q if p is None else p
    _require_int("p", p, 1, " (the number of distractor symbols)")
    extra = rng.geometric(0.1, size=n_sequences) - 1
    lengths = q + extra + 3
    width = int(lengths.max())
    inputs = rng.integers(0, p, size=(n_sequences, width)).astype(np.int32)
    second = rng.integers(0, 2, size=n_sequences)  # 0: x, 1: y
    rows = np.arange(n_sequences)
    inputs[:, 0] = p + 1
    inputs[:, 1] = p + 2 + second
    inputs[rows, lengths - 1] = p
    inputs[~valid_steps(lengths, width)] = -1
    mask = end_mask(lengths, width)
    targets = np.zeros((n_sequences, width, 2), np.float32)
    targets[rows, lengths - 1, second] = 1.0
    return Sequences(inputs, targets, mask, lengths, p + 4)
