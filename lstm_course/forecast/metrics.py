r"""Forecast errors over windows ``(N, horizon)``.

.. math::

    \mathrm{MAE} = \mathrm{mean}\,|y - \hat y|, \quad
    \mathrm{RMSE} = \sqrt{\mathrm{mean}\,(y - \hat y)^2}, \quad
    \mathrm{MASE} = \frac{\mathrm{MAE}}{\mathrm{mean}_t\,|y^{train}_t -
    y^{train}_{t-m}|}

MASE (Hyndman & Koehler 2006) scales the error by the in-sample error of
the seasonal naive forecast with season m (m = 1: the naive one) on the
training part: below 1 beats that benchmark, whatever the series' units.
"""

from __future__ import annotations

import numpy as np


def _pair(targets, forecasts):
    targets = np.asarray(targets, float)
    forecasts = np.asarray(forecasts, float)
    if targets.shape != forecasts.shape:
        raise ValueError(f"forecasts must have the targets' shape "
                         f"{targets.shape}, got {forecasts.shape}")
    if not np.all(np.isfinite(forecasts)):
        raise ValueError("forecasts contain NaN or inf")
    return targets, forecasts


def mae(targets, forecasts) -> float:
    targets, forecasts = _pair(targets, forecasts)
    return float(np.mean(np.abs(targets - forecasts)))


def rmse(targets, forecasts) -> float:
    targets, forecasts = _pair(targets, forecasts)
    return float(np.sqrt(np.mean((targets - forecasts) ** 2)))


def mase(targets, forecasts, train, season: int = 1) -> float:
    """MAE over the in-sample MAE of the seasonal naive forecast on
    ``train`` (the raw training part, in the same units)."""
    train = np.asarray(train, float)
    if isinstance(season, bool) or not isinstance(season, int) or \
            not 1 <= season < len(train):
        raise ValueError(f"season must be an integer from 1 to "
                         f"{len(train) - 1}, got {season!r}")
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    if scale == 0:
        raise ValueError("the training part is constant at this season: "
                         "MASE is undefined")
    return mae(targets, forecasts) / float(scale)
