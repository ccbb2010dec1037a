"""The paper's stop rules (Hochreiter & Schmidhuber 1997, section 5), as
small pieces that watch K trials at once.

- :class:`Successive` (2a, 2b, 2c): the criterion held on this many
  successive training sequences (10,000); one miss starts the count again.
- :class:`Recent` (4, 5, 6): the most recent 2,000 training sequences;
  :func:`st3` asks that all were right and their average error is below
  beta (4: 0.01, 6: 0.1); :func:`fewer_wrong` asks that fewer than n_seq
  were wrong (5: 140 and 13).
- :func:`st1` and :func:`st2` (3a-3c) judge a test set of 256 sequences:
  at most so many wrong, and (ST2) a mean absolute error below a bound.

"Average training error" is the paper's phrase without a definition; we
read it as the mean, over the window's sequences, of the squared error at
the sequence's end averaged over the output units.
"""

from __future__ import annotations

import numpy as np


def _flags(values, trials, what):
    values = np.asarray(values)
    if values.shape != (trials,):
        raise ValueError(f"{what} must have one entry per trial "
                         f"({trials}), got shape {values.shape}")
    return values


class Successive:
    """Counts, per trial, the successive sequences the criterion held on."""

    def __init__(self, trials: int, count: int = 10_000):
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        self.count = count
        self.streak = np.zeros(trials, np.int64)

    def update(self, right) -> np.ndarray:
        """Add one sequence per trial; True where the rule now holds."""
        right = _flags(right, len(self.streak), "right").astype(bool)
        self.streak = np.where(right, self.streak + 1, 0)
        return self.streak >= self.count


class Recent:
    """The last ``count`` sequences of every trial: right or not, error."""

    def __init__(self, trials: int, count: int = 2_000):
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        self.count = count
        self.right = np.zeros((trials, count), bool)
        self.error = np.zeros((trials, count))
        self.seen = np.zeros(trials, np.int64)

    def update(self, right, error) -> None:
        trials = len(self.seen)
        right = _flags(right, trials, "right").astype(bool)
        error = _flags(error, trials, "error").astype(float)
        slot = self.seen % self.count
        self.right[np.arange(trials), slot] = right
        self.error[np.arange(trials), slot] = error
        self.seen += 1

    @property
    def full(self) -> np.ndarray:
        return self.seen >= self.count

    def wrong(self) -> np.ndarray:
        return self.count - self.right.sum(1)

    def mean_error(self) -> np.ndarray:
        return self.error.mean(1)


def st3(recent: Recent, beta: float) -> np.ndarray:
    """ST3(beta): the average training error is below beta and the most
    recent sequences (all ``recent.count``) were processed correctly."""
    return recent.full & (recent.wrong() == 0) & (recent.mean_error() < beta)


def fewer_wrong(recent: Recent, n_seq: int) -> np.ndarray:
    """Experiment 5: fewer than ``n_seq`` of the most recent sequences had
    an absolute error above the tolerance."""
    return recent.full & (recent.wrong() < n_seq)


def st1(wrong, allowed: int = 0) -> np.ndarray:
    """ST1: at most ``allowed`` sequences of the test set misclassified
    (3a, 3c: none; 3b: fewer than 6, so ``allowed=5``)."""
    return np.asarray(wrong) <= allowed


def st2(wrong, mean_absolute_error, allowed: int, bound: float
        ) -> np.ndarray:
    """ST2: ST1, and the mean absolute test-set error below ``bound``
    (3a: 0.01; 3b: 0.04; 3c, against the noise-free targets: 0.015)."""
    return st1(wrong, allowed) & (np.asarray(mean_absolute_error) < bound)
