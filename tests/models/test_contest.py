"""Chapter 06's contests on tiny budgets: every row has what the table
needs, the baselines score as chapter 00 says, and the linear maps cannot
solve the adding problem."""

import numpy as np
import pytest

from lstm_course.data import split_series
from lstm_course.forecast import baselines, metrics
from lstm_course.models.contest import (
    SERIES_SETTINGS,
    adding_contest,
    irregular_contest,
    series_contest,
)
from lstm_course.tasks import TRIVIAL_MSE


def test_adding_contest_rows():
    rows = adding_contest(["gru", "linear"], length=12, sequences=128,
                          epochs=2, test_sequences=64, width=4)
    assert set(rows) == {"gru", "linear"}
    for row in rows.values():
        assert row["params"] > 0 and row["seconds"] > 0
        assert len(row["curve"]) == 2 and np.isfinite(row["test_mse"])
        assert row["solved"] == (row["test_mse"] < TRIVIAL_MSE / 10)


def test_series_contest_scores_the_test_part_beside_the_baselines():
    contest = series_contest("sunspots", ["nlinear"], epochs=2, patience=1)
    rows, targets = contest["rows"], contest["targets"]
    assert list(rows) == ["naive", "seasonal naive", "ARIMA", "nlinear"]
    data = split_series("sunspots")
    settings = SERIES_SETTINGS["sunspots"]
    inputs, expected, origins = data.windows(
        "test", settings["lookback"], settings["horizon"], scaled=False)
    np.testing.assert_array_equal(targets, expected)
    np.testing.assert_array_equal(contest["origins"], origins)
    naive = baselines.naive(inputs, settings["horizon"])
    assert rows["naive"]["mase"] == pytest.approx(metrics.mase(
        expected, naive, data.part("train"), settings["season"]))
    assert rows["nlinear"]["params"] == \
        (settings["lookback"] + 1) * settings["horizon"]
    assert 1 <= rows["nlinear"]["epochs"] <= 2
    assert contest["forecasts"]["nlinear"].shape == targets.shape


def test_irregular_contest_rows():
    rows = irregular_contest(points=5, sequences=64, epochs=1,
                             test_sequences=32, width=4)
    assert list(rows)[-1] == "predict 0"
    assert all(np.isfinite(row["test_mse"]) for row in rows.values())


def test_unknown_series():
    with pytest.raises(ValueError, match="unknown series 'co3'"):
        series_contest("co3", ["linear"])
