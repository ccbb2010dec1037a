"""Turning what a submission returned into float64 arrays, or saying why it
cannot be (the messages a student reads). Runs beside the student's code, so
it imports nothing of the course package but this folder."""

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


def returned_tuple(value, what: str, names):
    """``value`` if it is a tuple (or list) with one item per name, else a
    SubmissionError saying what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        raise SubmissionError(
            f"{what} must return a tuple ({', '.join(names)}), got a "
            f"{type(value).__name__}" + (f" of length {len(value)}"
                                         if isinstance(value, (tuple, list))
                                         else ""))
    return value


def arrays_of_tuple(value, what: str, names) -> dict[str, np.ndarray]:
    """``{name: array}`` from a returned tuple with one item per name."""
    return {name: to_array(item, name)
            for name, item in zip(names, returned_tuple(value, what, names))}
