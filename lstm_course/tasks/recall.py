"""Remember the first symbol: the simplest long-time-lag task.

A signal symbol at the first step must be reported after ``lag`` more steps
of random distractors. The lag between the information and the moment it is
needed is the knob: Bengio, Simard & Frasconi (1994) called this "information
latching"; Hochreiter & Schmidhuber (1997, section 5.2) used a noise-free
variant (experiment 2). Introduced in chapter 01, used again in chapter 02.
"""

from __future__ import annotations

import numpy as np


def remember_first(rng: np.random.Generator, n_sequences: int, lag: int,
                   n_classes: int = 2, n_distractors: int = 4):
    """Sequences whose label is their first symbol.

    The alphabet has ``n_classes`` signal symbols followed by ``n_distractors``
    distractor symbols, each one-hot. Step 0 holds a random signal symbol,
    steps 1..lag random distractors; the target is the signal's class.

    Args:
        rng: the generator to draw from (global seeds are not touched).
        n_sequences: N > 0.
        lag: steps between the signal and the answer, >= 1.
        n_classes: signal symbols (classes), >= 2.
        n_distractors: distractor symbols, >= 1.

    Returns:
        ``(inputs, targets)``: float32 ``(N, lag + 1, n_classes +
        n_distractors)`` one-hot inputs and float32 ``(N, n_classes)``
        one-hot targets.
    """
    for name, value, low in (("n_sequences", n_sequences, 1), ("lag", lag, 1),
                             ("n_classes", n_classes, 2),
                             ("n_distractors", n_distractors, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, "
                             f"got {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. "
                        f"np.random.default_rng(0); got {type(rng).__name__}")
    labels = rng.integers(0, n_classes, size=n_sequences)
    symbols = n_classes + rng.integers(0, n_distractors,
                                       size=(n_sequences, lag + 1))
    symbols[:, 0] = labels
    eye = np.eye(n_classes + n_distractors, dtype=np.float32)
    return eye[symbols], eye[labels, :n_classes]


def recall_accuracy(targets, predictions) -> float:
    """Fraction of sequences whose most active output is the right class."""
    targets, predictions = np.asarray(targets), np.asarray(predictions)
    if targets.shape != predictions.shape:
        raise ValueError(f"targets {targets.shape} and predictions "
                         f"{predictions.shape} must have the same shape")
    return float(np.mean(targets.argmax(-1) == predictions.argmax(-1)))
