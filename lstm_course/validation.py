"""Checks of arguments that many parts of the course take, each with one
rule and one message."""

from __future__ import annotations

import numbers


def positive_int(name: str, value) -> int:
    """``value`` as an ``int`` if it is a whole number >= 1 (a Python or
    NumPy integer, not a bool, not a float); else ``ValueError`` naming
    ``name``.

    >>> import numpy as np
    >>> positive_int("units", np.int64(4))
    4
    >>> positive_int("units", 4.0)
    Traceback (most recent call last):
    ...
    ValueError: units must be a positive integer, got 4.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
