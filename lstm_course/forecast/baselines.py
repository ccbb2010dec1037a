"""Statistical baselines, forecasting each window from what precedes it.

- naive: every step of the horizon repeats the last value seen;
- seasonal naive: step h repeats the value one season (m steps) earlier,
  ``x[o - m + (h mod m)]``;
- ARIMA (statsmodels): orders fitted on the training part once, then at each
  origin the fitted model is run over the history up to the origin (no
  refit, nothing after the origin) and forecasts the horizon.
"""

from __future__ import annotations

import numpy as np

from lstm_course.validation import positive_int


def _windows(inputs):
    inputs = np.asarray(inputs, float)
    if inputs.ndim != 2 or inputs.shape[1] < 1:
        raise ValueError(f"inputs must be (N, lookback) windows, got shape "
                         f"{inputs.shape}")
    return inputs


def naive(inputs, horizon: int) -> np.ndarray:
    """(N, horizon): the last value of each window, repeated."""
    inputs = _windows(inputs)
    positive_int("horizon", horizon)
    return np.repeat(inputs[:, -1:], horizon, axis=1)


def seasonal_naive(inputs, horizon: int, season: int) -> np.ndarray:
    """(N, horizon): step h takes the value ``season`` steps before it,
    from the last full season of the window."""
    inputs = _windows(inputs)
    positive_int("horizon", horizon)
    positive_int("season", season)
    if inputs.shape[1] < season:
        raise ValueError(f"the windows ({inputs.shape[1]} steps) must hold "
                         f"at least one season ({season} steps)")
    steps = inputs.shape[1] - season + np.arange(horizon) % season
    return inputs[:, steps]


def arima_forecasts(series, train_stop: int, origins, horizon: int,
                    order=(2, 0, 0), seasonal_order=(0, 0, 0, 0),
                    trend="c") -> np.ndarray:
    """(len(origins), horizon) forecasts of an ARIMA fitted on
    ``series[:train_stop]``; each origin's forecast uses only
    ``series[:origin]``."""
    from statsmodels.tsa.arima.model import ARIMA

    series = np.asarray(series, float)
    positive_int("horizon", horizon)
    origins = np.asarray(origins, int)
    if origins.min() < 1 or origins.max() > len(series):
        raise ValueError(f"origins must lie in 1..{len(series)}")
    fitted = ARIMA(series[:train_stop], order=order,
                   seasonal_order=seasonal_order, trend=trend).fit()
    out = np.empty((len(origins), horizon))
    for k, origin in enumerate(origins):
        out[k] = fitted.apply(series[:origin]).forecast(horizon)
    return out
