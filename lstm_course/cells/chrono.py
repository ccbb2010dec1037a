r"""Chrono initialisation (Tallec & Ollivier 2018), shared by the gated
cells: a gate that keeps the state gets the bias

.. math::

    b = \log u, \qquad u \sim U[1, T_{\max} - 1],

so that each unit starts with a memory time scale between about 1 and
T_max steps. Chapter 05 introduces it for the LSTM, chapter 06 for the GRU.
"""

from __future__ import annotations

import keras
import numpy as np


def check_max_lag(max_lag) -> None:
    """Refuse anything but None or a number > 2, saying why."""
    if max_lag is not None and not (
            isinstance(max_lag, (int, float)) and not isinstance(max_lag, bool)
            and max_lag > 2):
        raise ValueError(f"chrono_max_lag must be a number > 2 (the longest "
                         f"lag expected), got {max_lag!r}")


def log_lags(units: int, max_lag) -> np.ndarray:
    """(units,) float32 biases log(u), u uniform in [1, max_lag - 1]; drawn
    with keras.random, so they follow keras.utils.set_random_seed."""
    return np.log(keras.ops.convert_to_numpy(keras.random.uniform(
        (units,), minval=1.0, maxval=float(max_lag) - 1.0)))
