"""Forecast metrics and statistical baselines."""

import numpy as np
import pytest

from lstm_course.data import split_series
from lstm_course.forecast import baselines, metrics


def test_metrics_against_hand_computed_values():
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    f = np.array([[1.0, 3.0], [1.0, 4.0]])
    assert metrics.mae(y, f) == pytest.approx(0.75)
    assert metrics.rmse(y, f) == pytest.approx(np.sqrt(5 / 4))
    train = np.array([0.0, 2.0, 1.0, 3.0])  # naive in-sample MAE: 5/3
    assert metrics.mase(y, f, train) == pytest.approx(0.75 / (5 / 3))
    assert metrics.mase(y, f, train, season=2) == pytest.approx(0.75)


def test_naive_forecast_has_mase_one_in_sample():
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=300))
    windows = np.lib.stride_tricks.sliding_window_view(series, 6)
    inputs, targets = windows[:, :5], windows[:, 5:]
    forecasts = baselines.naive(inputs, 1)
    assert metrics.mase(targets, forecasts, series[4:]) == pytest.approx(1.0)


def test_seasonal_naive_repeats_the_last_season():
    inputs = np.arange(10.0)[None]  # ..., 6, 7, 8, 9 with season 4
    np.testing.assert_array_equal(baselines.seasonal_naive(inputs, 6, 4),
                                  [[6, 7, 8, 9, 6, 7]])
    np.testing.assert_array_equal(baselines.naive(inputs, 3), [[9, 9, 9]])
    with pytest.raises(ValueError, match="at least one season"):
        baselines.seasonal_naive(inputs, 2, 12)


def test_arima_recovers_an_ar1_and_uses_only_the_past():
    rng = np.random.default_rng(1)
    x = np.zeros(600)
    for t in range(1, 600):
        x[t] = 0.8 * x[t - 1] + rng.normal(scale=0.1)
    origins = np.array([450, 500, 550])
    forecasts = baselines.arima_forecasts(x, 400, origins, 2, order=(1, 0, 0),
                                          trend="n")
    # The fitted coefficient is the least-squares one of the training part
    # (up to the likelihood's first-observation term), not merely near 0.8.
    phi = x[1:400] @ x[:399] / (x[:399] @ x[:399])
    expected = np.stack([phi * x[origins - 1], phi ** 2 * x[origins - 1]], 1)
    np.testing.assert_allclose(forecasts, expected, atol=1e-3)
    # Changing the future leaves a forecast unchanged.
    changed = x.copy()
    changed[451:] = 100.0
    again = baselines.arima_forecasts(changed, 400, origins[:1], 2,
                                      order=(1, 0, 0), trend="n")
    np.testing.assert_allclose(again, forecasts[:1])


def test_baselines_on_co2_seasonal_naive_beats_naive():
    data = split_series("co2")
    inputs, targets, _ = data.windows("test", 24, 12, scaled=False)
    train = data.part("train")
    naive = metrics.mase(targets, baselines.naive(inputs, 12), train, 12)
    seasonal = metrics.mase(targets, baselines.seasonal_naive(inputs, 12, 12),
                            train, 12)
    assert seasonal < naive


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.mae(np.zeros(3), np.zeros(4)), "shape"),
    (lambda: metrics.rmse(np.zeros(2), np.array([0, np.nan])), "NaN"),
    (lambda: metrics.mase(np.zeros(2), np.zeros(2), np.ones(5)),
     "constant"),
    (lambda: metrics.mase(np.zeros(2), np.zeros(2), np.arange(5.0), 5),
     "season must be"),
    (lambda: baselines.naive(np.zeros(3), 1), r"\(N, lookback\)"),
    (lambda: baselines.naive(np.zeros((2, 3)), 0), "horizon must be"),
])
def test_bad_arguments_say_what_is_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
