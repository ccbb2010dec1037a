"""Comparing a submission's arrays with the reference's, with messages a
student can act on (which output, expected vs got, where it differs).

The conversion of what a submission returns (:func:`to_array`) runs beside
the student's code and lives in :mod:`lstm_course.sandboxed.convert`."""

from __future__ import annotations

import numpy as np


def describe_inputs(inputs: dict[str, np.ndarray]) -> str:
    """``x_t (4, 3), h_prev (4, 5)``: shapes of the inputs a check used."""
    parts = []
    for name, value in inputs.items():
        value = np.asarray(value)
        parts.append(f"{name} {value.shape}" if value.ndim else
                     f"{name}={value.item():g}")
    return ", ".join(parts)


def compare(name: str, expected: np.ndarray, got: np.ndarray,
            rtol: float, atol: float) -> str | None:
    """None when ``got`` matches ``expected``, else a one-line reason."""
    expected = np.asarray(expected, np.float64)
    got = np.asarray(got, np.float64)
    if got.shape != expected.shape:
        return (f"{name}: expected shape {expected.shape}, got {got.shape}")
    bad = ~np.isfinite(got)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"{name}: got {got[index]} at index {list(index)} "
                f"({int(bad.sum())} non-finite entries)")
    error = np.abs(got - expected)
    limit = atol + rtol * np.abs(expected)
    if np.all(error <= limit):
        return None
    index = np.unravel_index(int(np.argmax(error - limit)), error.shape)
    where = f" at index {[int(i) for i in index]}" if expected.ndim else ""
    return (f"{name}: max abs error {float(error.max()):.3g}{where}: "
            f"expected {expected[index]:.10g}, got {got[index]:.10g}")
