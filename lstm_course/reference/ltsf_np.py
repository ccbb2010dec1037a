r"""DLinear's series decomposition (Zeng et al. 2023, chapter 06) in NumPy
(float64):

.. math::

    t_i = \frac{1}{k} \sum_{j=-(k-1)/2}^{(k-1)/2} \tilde x_{i+j}, \qquad
    s = x - t

with k odd and \tilde x the window padded at each end by repeating its
first and last value (k - 1)/2 times, so the trend t is as long as x.
"""

from __future__ import annotations

import numpy as np


def decompose(x, kernel_size: int) -> tuple[np.ndarray, np.ndarray]:
    """``(trend, seasonal)`` of windows x (B, L, C), each (B, L, C)."""
    half = (kernel_size - 1) // 2
    length = x.shape[1]
    trend = np.empty_like(x, dtype=np.float64)
    for i in range(length):
        # Clipping an index to the window is the same as repeating the edge.
        sources = np.clip(np.arange(i - half, i + half + 1), 0, length - 1)
        trend[:, i] = x[:, sources].mean(axis=1)
    return trend, x - trend
