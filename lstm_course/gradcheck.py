"""Numerical gradient checks by central differences (float64).

Introduced in chapter 01; used by every chapter that writes a backward pass.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray,
                       eps: float = 1e-6) -> np.ndarray:
    """Central differences: ``df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / 2 eps``.

    ``f`` takes no arguments and reads ``x``, which is changed in place one
    entry at a time and restored, so ``x`` must be a float64 array that ``f``
    sees (e.g. one entry of a params dict). The error of the estimate is
    O(eps**2) from truncation plus O(1e-16 / eps) from rounding.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x must be a float64 NumPy array that f reads, got "
            f"{type(x).__name__} {getattr(x, 'dtype', '')}"
        )
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f()
        x[index] = saved - eps
        f_minus = f()
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero.

    Norm-wise, so a few entries near zero do not blow it up.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
