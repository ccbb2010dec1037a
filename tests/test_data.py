"""The real series: loaded offline, split by time, scaled on train only,
windows that never look into a later part."""

import numpy as np
import pytest

from lstm_course.data import SERIES, load_series, split_series


@pytest.mark.parametrize("name, length, first, last", [
    ("sunspots", 309, 1700.0, 2008.0),
    ("co2", 526, 1958 + 2 / 12, 2001 + 11 / 12)])
def test_series_load_offline_and_are_complete(name, length, first, last):
    times, values = load_series(name)
    assert times.shape == values.shape == (length,)
    assert times[0] == pytest.approx(first)
    assert times[-1] == pytest.approx(last)
    assert np.all(np.diff(times) > 0) and np.all(np.isfinite(values))


def test_split_is_by_time_and_scaling_uses_train_only():
    data = split_series("co2")
    (a, b), (c, d), (e, f) = (data.bounds[p] for p in
                              ("train", "validation", "test"))
    assert a == 0 and b == c and d == e and f == len(data.values)
    assert (b, d - c, f - e) == (368, 79, 79)
    train = data.part("train")
    assert data.mean == pytest.approx(train.mean())
    assert data.std == pytest.approx(train.std())
    # The test part has a higher mean (the trend): train-only scaling shows it.
    assert data.scaled[e:].mean() > 1
    np.testing.assert_allclose(data.unscale(data.scaled), data.values)


@pytest.mark.parametrize("part", ["train", "validation", "test"])
def test_windows_never_see_a_later_part(part):
    data = split_series("sunspots")
    inputs, targets, origins = data.windows(part, lookback=12, horizon=3,
                                            scaled=False)
    start, stop = data.bounds[part]
    assert origins.min() >= start and origins.max() + 3 <= stop
    for x, y, o in zip(inputs, targets, origins):
        np.testing.assert_array_equal(x, data.values[o - 12:o])
        np.testing.assert_array_equal(y, data.values[o:o + 3])
    # Every origin with room for its targets is there, oldest first.
    assert np.array_equal(origins, np.arange(max(start, 12), stop - 2))


def test_bad_arguments_say_what_is_expected():
    with pytest.raises(ValueError, match="unknown series 'nile'"):
        load_series("nile")
    with pytest.raises(ValueError, match="sum to 1"):
        split_series("co2", (0.5, 0.2, 0.2))
    data = split_series("sunspots")
    with pytest.raises(ValueError, match="part must be one of"):
        data.windows("holdout", 4, 1)
    with pytest.raises(ValueError, match="lookback must be a positive"):
        data.windows("train", 0, 1)
    with pytest.raises(ValueError, match="no window fits"):
        data.windows("test", 4, 60)
    assert set(SERIES) == {"sunspots", "co2"}
