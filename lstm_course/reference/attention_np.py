r"""Causal scaled dot-product attention in NumPy (float64), the core of the
Transformer of chapter 06 (Vaswani et al. 2017), one head:

.. math::

    A = \mathrm{softmax}\Big(\frac{Q K^\top}{\sqrt{d}} + M\Big) V, \qquad
    M_{ts} = 0 \text{ if } s \le t \text{ else } -\infty

so step t mixes the values of steps 1..t only.
"""

from __future__ import annotations

import numpy as np


def causal_mask(steps: int) -> np.ndarray:
    """(T, T) booleans: entry (t, s) is True where step t may attend to s."""
    return np.tril(np.ones((steps, steps), bool))


def causal_attention(q, k, v) -> np.ndarray:
    """(B, T, d_v) attention outputs for queries and keys (B, T, d) and
    values (B, T, d_v)."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    scores = np.where(causal_mask(q.shape[-2]), scores, -np.inf)
    # Subtracting the row maximum keeps exp finite for large scores.
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v
