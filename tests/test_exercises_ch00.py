"""Chapter 00's registry entries: the usual mistakes lose the sub-check
that names them."""

import numpy as np

from lstm_course.exercises import evaluate, get


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def seasonal_naive(inputs, horizon, season):
    steps = inputs.shape[1] - season + np.arange(horizon) % season
    return inputs[:, steps]


def mase(targets, forecasts, train, season):
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    return np.mean(np.abs(targets - forecasts)) / scale


def test_right_answers_earn_every_point():
    for fn in (seasonal_naive, mase):
        result = evaluate(get(f"ch00.{fn.__name__}"), fn)
        assert result.score == result.max_score, failed(result)


def test_seasonal_naive_without_wrapping():
    def no_wrap(inputs, horizon, season):
        return inputs[:, inputs.shape[1] - season:][:, :horizon]

    assert failed(evaluate(get("ch00.seasonal_naive"), no_wrap)) == [
        "horizon beyond a season"]


def test_mase_scaled_by_the_naive_error_whatever_the_season():
    def naive_scale(targets, forecasts, train, season):
        return mase(targets, forecasts, train, 1)

    assert failed(evaluate(get("ch00.mase"), naive_scale)) == ["season 12"]
