"""Seeding, so that a notebook run top to bottom gives the same numbers."""

from __future__ import annotations

import random

import numpy as np


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and Keras.

    Keras' ``set_random_seed`` also seeds the backend (TensorFlow, JAX or
    PyTorch), so weight initialisers and dropout repeat from run to run.

    Args:
        seed: a non-negative integer below 2**32.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"seed must be an integer, got {type(seed).__name__} {seed!r}"
        )
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    import keras  # deferred: NumPy-only users of the package skip the import

    random.seed(int(seed))
    np.random.seed(int(seed))
    keras.utils.set_random_seed(int(seed))
