"""Gradient-norm clipping (Pascanu, Mikolov & Bengio, "On the difficulty of
training recurrent neural networks", ICML 2013, algorithm 1).

Introduced in chapter 02.
"""

from __future__ import annotations

import numpy as np


def global_norm(grads) -> float:
    """``||g||``: the Euclidean norm of all arrays taken together."""
    return float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64))
                             for g in grads)))


def clip_by_global_norm(grads, threshold: float) -> list[np.ndarray]:
    """``g <- (threshold / ||g||) g`` if ``||g|| >= threshold``, else ``g``.

    Every array is scaled by the same factor, so the direction of the whole
    gradient is kept; new arrays are returned, the inputs are not changed.
    A zero gradient is returned as it is.
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be a finite number > 0, got "
                         f"{threshold!r}")
    grads = [np.asarray(g, np.float64) for g in grads]
    norm = global_norm(grads)
    factor = threshold / norm if norm >= threshold else 1.0
    return [g * factor for g in grads]
