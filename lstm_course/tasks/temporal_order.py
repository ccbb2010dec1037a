"""Experiments 6a and 6b of Hochreiter & Schmidhuber (1997): temporal order.

A sequence of length 100..110 starts with E and ends with the trigger B;
the rest are distractors drawn from a, b, c, d, except at two (6a) or three
(6b) key positions, each X or Y: in 6a t1 in 10..20 and t2 in 50..60; in
6b t1 in 10..20, t2 in 33..43, t3 in 66..76. The class is the order of the
X/Y symbols (6a: XX, XY, YX, YY; 6b: 8 classes), given as one-hot targets
at the B; a sequence counts as right when every output's error there is
below 0.3. Chapter 04 reproduces the paper's runs.
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng
from lstm_course.tasks.sequences import Sequences, end_mask, valid_steps

SYMBOLS = "abcdXYEB"
INDEX = {s: k for k, s in enumerate(SYMBOLS)}
#: Key positions (first, last) per number of relevant symbols.
KEY_POSITIONS = {2: [(10, 20), (50, 60)],
                 3: [(10, 20), (33, 43), (66, 76)]}
TOLERANCE = 0.3


def temporal_order(rng: np.random.Generator, n_sequences: int,
                   relevant: int = 2):
    """Experiment 6a (``relevant=2``, 4 classes) or 6b (``relevant=3``,
    8 classes).

    Returns :class:`Sequences` of int32 symbol indices into ``SYMBOLS``
    (``symbols = 8``), one-hot class targets at each end; class k reads
    the key symbols as binary digits, X = 0 and Y = 1, the first the most
    significant (6a: XX = 0 "Q", XY = 1 "R", YX = 2 "S", YY = 3 "U").
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    if relevant not in KEY_POSITIONS:
        raise ValueError(f"relevant must be 2 (experiment 6a) or 3 (6b), "
                         f"got {relevant!r}")
    lengths = rng.integers(100, 111, size=n_sequences)
    width = int(lengths.max())
    rows = np.arange(n_sequences)
    inputs = rng.integers(0, 4, size=(n_sequences, width)).astype(np.int32)
    inputs[:, 0] = INDEX["E"]
    inputs[rows, lengths - 1] = INDEX["B"]
    bits = rng.integers(0, 2, size=(n_sequences, relevant))
    for k, (low, high) in enumerate(KEY_POSITIONS[relevant]):
        position = rng.integers(low, high + 1, size=n_sequences)
        inputs[rows, position] = INDEX["X"] + bits[:, k]
    inputs[~valid_steps(lengths, width)] = -1
    classes = bits @ (2 ** np.arange(relevant)[::-1])
    mask = end_mask(lengths, width)
    targets = np.zeros((n_sequences, width, 2 ** relevant), np.float32)
    targets[rows, lengths - 1, classes] = 1.0
    return Sequences(inputs, targets, mask, lengths, len(SYMBOLS))
