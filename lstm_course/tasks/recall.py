"""Delayed recall: remember one real number across a time lag.

The first step carries a value drawn uniformly from [-1, 1] and a marker
1.0; the next ``lag`` steps carry distractor values from the same range and
marker 0.0. At the last step the network must output the first value. It
is the adding problem (experiment 4 of Hochreiter & Schmidhuber 1997) cut
down to one marked value at a fixed place, so that the time lag is exactly
``lag``: a single knob for measuring how far back a network learns.
Always answering 0 gives a mean squared error of 1/3. Introduced in
chapter 02.
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng

RECALL_TRIVIAL_MSE = 1.0 / 3.0  # Var(U[-1, 1])


def delayed_recall(rng: np.random.Generator, n_sequences: int, lag: int):
    """Sequences of the delayed-recall task.

    Args:
        rng: the generator to draw from (global seeds are not touched).
        n_sequences: N > 0.
        lag: the number of steps between the value and the answer, >= 1.

    Returns:
        ``(inputs, targets)``: float32 ``(N, lag + 1, 2)`` (value, marker)
        pairs and float32 ``(N, 1)`` targets, the value of the first step.

    >>> x, y = delayed_recall(np.random.default_rng(0), 2, lag=3)
    >>> x.shape, y.shape, bool((y[:, 0] == x[:, 0, 0]).all())
    ((2, 4, 2), (2, 1), True)
    """
    _require_rng(rng)
    _require_int("n_sequences", n_sequences, 1)
    _require_int("lag", lag, 1)
    inputs = np.zeros((n_sequences, lag + 1, 2), np.float32)
    inputs[:, :, 0] = rng.uniform(-1.0, 1.0, (n_sequences, lag + 1))
    inputs[:, 0, 1] = 1.0
    return inputs, inputs[:, :1, 0].copy()
