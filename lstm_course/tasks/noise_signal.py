"""Experiment 3 of Hochreiter & Schmidhuber (1997): noise and signal on
the same channel (Bengio et al.'s 2-sequence problem).

One real-valued input. A sequence's length is drawn uniformly from
T..T + T/10; its first N elements are all +1.0 (class 1) or all -1.0
(class 2), the rest Gaussian noise of mean 0 and variance 0.2. At the end
the net outputs 1.0 for class 1 and 0.0 for class 2; a sequence counts as
classified when the absolute error there is below 0.2 (3a). 3b adds the
same noise to the first N elements too. 3c keeps 3a's inputs but its
targets are 0.2 (class 1) and 0.8 (class 2) plus Gaussian noise of
variance 0.1; a sequence is misclassified when the output is more than 0.1
from the noise-free target. Chapter 04 reproduces the paper's runs.
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng
from lstm_course.tasks.sequences import Sequences, end_mask, valid_steps

NOISE_VARIANCE = 0.2
TARGET_NOISE_VARIANCE = 0.1  # 3c
TARGETS_3C = (0.2, 0.8)  # class 1, class 2


def random_lengths(rng, n_sequences, length):
    """Lengths drawn uniformly from T..T + T // 10 (both included)."""
    return rng.integers(length, length + length // 10 + 1, size=n_sequences)


def noise_and_signal(rng: np.random.Generator, n_sequences: int, length: int,
                     signal: int, noisy_signal: bool = False):
    """Experiment 3a with minimal length ``length`` (T) and ``signal`` (N)
    information-carrying first elements; 3b with ``noisy_signal``.

    Returns :class:`Sequences`: inputs float32 (N_seq, T_max, 1), one
    target (1, 0) class at each end, shape (N_seq, T_max, 1).
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("length", length, 2)
    _require_int("signal", signal, 1, f" and below length = {length}")
    if signal >= length:
        raise ValueError(f"signal must be below length = {length} (the "
                         f"first N of T elements carry the class), got "
                         f"{signal}")
    lengths = random_lengths(rng, n_sequences, length)
    width = int(lengths.max())
    first_class = rng.integers(0, 2, size=n_sequences).astype(bool)
    values = rng.normal(0.0, np.sqrt(NOISE_VARIANCE),
                        size=(n_sequences, width))
    signs = np.where(first_class, 1.0, -1.0)[:, None]
    values[:, :signal] = signs + values[:, :signal] if noisy_signal \
        else signs
    values[~valid_steps(lengths, width)] = 0.0
    mask = end_mask(lengths, width)
    targets = np.zeros((n_sequences, width, 1), np.float32)
    targets[mask, 0] = first_class
    return Sequences(values[..., None].astype(np.float32), targets, mask,
                     lengths)


def noisy_targets(rng: np.random.Generator, n_sequences: int, length: int,
                  signal: int):
    """Experiment 3c: 3a's inputs, targets 0.2 (class 1) or 0.8 (class 2)
    plus Gaussian noise of variance 0.1 (:func:`clean_targets` gives the
    noise-free ones)."""
    batch = noise_and_signal(rng, n_sequences, length, signal)
    first_class = batch.targets[batch.mask, 0] > 0.5
    noise = rng.normal(0.0, np.sqrt(TARGET_NOISE_VARIANCE), n_sequences)
    targets = np.zeros_like(batch.targets)
    targets[batch.mask, 0] = np.where(first_class, *TARGETS_3C) + noise
    return batch._replace(targets=targets)


def clean_targets(batch: Sequences) -> np.ndarray:
    """(N,) the noise-free 3c targets: the class is the sign of the first
    input, which carries no noise in 3c."""
    return np.where(np.asarray(batch.inputs)[:, 0, 0] > 0, *TARGETS_3C)
