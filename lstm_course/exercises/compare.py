"""Comparing a submission's arrays with the reference's, with messages a
student can act on (which output, expected vs got, where it differs)."""

from __future__ import annotations

import numpy as np


class SubmissionError(Exception):
    """A submission returned something that is not what the exercise expects."""


def to_array(value, what: str) -> np.ndarray:
    """Turn a returned value into a float64 array, or say why it cannot be.

    Accepts NumPy arrays, backend tensors, nested lists and Python numbers.
    """
    if value is None:
        raise SubmissionError(f"{what} is None; did you forget `return`?")
    if isinstance(value, (str, bytes, dict)):
        raise SubmissionError(
            f"{what} is a {type(value).__name__}; expected an array of numbers"
        )
    if isinstance(value, tuple):
        raise SubmissionError(
            f"{what} is a tuple of {len(value)} items; expected one array "
            "(return only what the exercise asks for)")
    try:
        array = np.asarray(value)
    except Exception as error:  # a tensor or object that refuses conversion
        raise SubmissionError(
            f"{what} cannot be turned into an array: "
            f"{type(error).__name__}: {error}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise SubmissionError(
            f"{what} has dtype {array.dtype}; expected real numbers "
            f"(float), got a {type(value).__name__}"
        )
    return np.array(array, dtype=np.float64)


def arrays_of_tuple(value, what: str, names) -> dict[str, np.ndarray]:
    """``{name: array}`` from a returned tuple with one item per name, or a
    SubmissionError saying what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        raise SubmissionError(
            f"{what} must return a tuple ({', '.join(names)}), got a "
            f"{type(value).__name__}" + (f" of length {len(value)}"
                                         if isinstance(value, (tuple, list))
                                         else ""))
    return {name: to_array(item, name) for name, item in zip(names, value)}


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
