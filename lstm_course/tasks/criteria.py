"""The 1997 paper's success criteria, per sequence: given a network's
outputs (N, T_max, K) for a :class:`~lstm_course.tasks.sequences.Sequences`
batch, which sequences it got right. Chapter 04 uses them to stop training
and to count successful trials.
"""

from __future__ import annotations

import numpy as np

from lstm_course.tasks.sequences import Sequences, at_ends


def _outputs(outputs, batch: Sequences):
    outputs = np.asarray(outputs, dtype=float)
    if outputs.shape != batch.targets.shape:
        raise ValueError(f"outputs must have the targets' shape "
                         f"{batch.targets.shape}, got {outputs.shape}")
    if not np.all(np.isfinite(outputs)):
        raise ValueError("outputs contain NaN or inf")
    return outputs


def symbols_right(outputs, batch: Sequences) -> np.ndarray:
    """bool (N,): at every step with a target, the k most active outputs
    are the k symbols allowed next (k = 1 for one possible symbol), as in
    experiments 1 and 2a."""
    outputs = _outputs(outputs, batch)
    allowed = batch.targets > 0.5
    counts = allowed.sum(-1)
    # The k-th largest output must beat every output not allowed, and the
    # allowed ones must be the top k: min over allowed > max over the rest.
    lowest_allowed = np.where(allowed, outputs, np.inf).min(-1)
    highest_other = np.where(allowed, -np.inf, outputs).max(-1)
    step_right = (lowest_allowed > highest_other) | (counts == 0)
    return np.all(step_right | ~batch.mask, axis=1)


def final_symbol_right(outputs, batch: Sequences) -> np.ndarray:
    """bool (N,): the most active output at the last step is the target
    symbol (experiment 2b: only the final x|y is predictable)."""
    outputs = _outputs(outputs, batch)
    return at_ends(outputs, batch.lengths).argmax(-1) == \
        at_ends(batch.targets, batch.lengths).argmax(-1)


def end_error_below(outputs, batch: Sequences, tolerance: float) \
        -> np.ndarray:
    """bool (N,): every output's absolute error at the sequence's end is
    below ``tolerance`` (2c: 0.2, 3a: 0.2, 4 and 5: 0.04, 6: 0.3)."""
    if not 0 < tolerance < np.inf:
        raise ValueError(f"tolerance must be a positive number, got "
                         f"{tolerance!r}")
    outputs = _outputs(outputs, batch)
    error = np.abs(at_ends(outputs, batch.lengths)
                   - at_ends(batch.targets, batch.lengths))
    return np.all(error < tolerance, axis=-1)
