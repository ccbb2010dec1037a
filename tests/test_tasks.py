import re

import numpy as np
import pytest

from lstm_course.tasks import (
    RECALL_TRIVIAL_MSE,
    TRIVIAL_MSE,
    adding_problem,
    delayed_recall,
    irregular_sine,
)


def test_adding_problem_shapes_markers_and_targets():
    x, y = adding_problem(np.random.default_rng(0), 500, 100)
    assert x.shape == (500, 100, 2) and y.shape == (500, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    assert np.all(markers.sum(axis=1) == 2)
    first, second = np.argwhere(markers == 1)[:, 1].reshape(500, 2).T
    assert np.all((first < 10) | (second < 10))
    assert np.all((first < 49) & (second < 49))  # both among the first T/2-1
    marked = (x[..., 0] * markers).sum(axis=1)
    np.testing.assert_allclose(y[:, 0], 0.5 + marked / 4, atol=1e-6)
    assert np.all((0 <= y) & (y <= 1))
    assert np.all(np.abs(x[..., 0]) <= 1)


def test_step_zero_is_marked_at_its_rate():
    """P(step 0 marked) = 1/10 (the first marker) + 9/10 x 1/48 (the second,
    over the 48 other places of T/2 - 1 = 49) = 0.11875 at T = 100."""
    x, _ = adding_problem(np.random.default_rng(7), 40_000, 100)
    assert (x[:, 0, 1] == 1).mean() == pytest.approx(0.11875, abs=0.005)


def test_adding_problem_trivial_error_is_one_24th():
    _, y = adding_problem(np.random.default_rng(1), 50_000, 20)
    assert np.mean((y - 0.5) ** 2) == pytest.approx(TRIVIAL_MSE, rel=0.03)


def test_adding_problem_is_seeded():
    a = adding_problem(np.random.default_rng(3), 4, 12)
    b = adding_problem(np.random.default_rng(3), 4, 12)
    c = adding_problem(np.random.default_rng(4), 4, 12)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_shortest_length_uses_every_allowed_position():
    x, _ = adding_problem(np.random.default_rng(5), 2000, 6)
    markers = x[..., 1]
    assert np.all(markers[:, :2].sum(axis=1) >= 1)  # T/2 - 1 = 2 places
    assert set(np.argwhere(markers == 1)[:, 1]) == set(range(6))


def whole(message):
    """A pytest.raises pattern for exactly ``message``."""
    return f"^{re.escape(message)}$"


SPAN = " (the second marker goes among the first T/2 - 1 steps)"


@pytest.mark.parametrize("kwargs, message", [
    ({"n_sequences": 0, "length": 10},
     "n_sequences must be an integer >= 1, got 0"),
    ({"n_sequences": 1, "length": 10}, None),
    ({"n_sequences": 3, "length": 5},
     f"length must be an integer >= 6{SPAN}, got 5"),
    ({"n_sequences": 3, "length": 10.0},
     f"length must be an integer >= 6{SPAN}, got 10.0"),
    ({"n_sequences": True, "length": 10},
     "n_sequences must be an integer >= 1, got True"),
])
def test_adding_problem_bad_arguments(kwargs, message):
    if message is None:  # the smallest valid value is accepted
        assert adding_problem(np.random.default_rng(0), **kwargs)[0].shape \
            == (1, 10, 2)
        return
    with pytest.raises(ValueError, match=whole(message)):
        adding_problem(np.random.default_rng(0), **kwargs)


def test_adding_problem_wants_a_generator():
    with pytest.raises(TypeError, match=whole(
            "rng must be a numpy.random.Generator, e.g. "
            "np.random.default_rng(0); got int")):
        adding_problem(0, 3, 10)


@pytest.mark.parametrize("length", [6, 7, 8])
def test_every_pair_of_marked_steps_is_drawn_and_no_other(length):
    """The first marker among the first min(10, T) steps, the second among
    the first T // 2 - 1, never the same step: every such pair occurs, in
    short sequences where the two ranges overlap most."""
    x, _ = adding_problem(np.random.default_rng(6), 6000, length)
    steps = np.argwhere(x[..., 1] == 1)[:, 1].reshape(-1, 2)
    span = length // 2 - 1
    allowed = {tuple(sorted((a, b))) for a in range(min(10, length))
               for b in range(span) if a != b}
    assert {tuple(pair) for pair in steps} == allowed


def test_delayed_recall_shapes_marker_and_target():
    x, y = delayed_recall(np.random.default_rng(0), 300, lag=7)
    assert x.shape == (300, 8, 2) and y.shape == (300, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(y[:, 0], x[:, 0, 0])
    np.testing.assert_array_equal(x[:, 0, 1], 1.0)
    np.testing.assert_array_equal(x[:, 1:, 1], 0.0)
    assert np.all(np.abs(x[..., 0]) <= 1)


def test_delayed_recall_trivial_error_is_one_third_and_seeded():
    _, y = delayed_recall(np.random.default_rng(1), 50_000, lag=1)
    assert np.mean(y**2) == pytest.approx(RECALL_TRIVIAL_MSE, rel=0.03)
    a = delayed_recall(np.random.default_rng(2), 3, 4)[0]
    b = delayed_recall(np.random.default_rng(2), 3, 4)[0]
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_sequences": 2, "lag": 0}, "lag must be an integer >= 1, got 0"),
    ({"n_sequences": 0, "lag": 3},
     "n_sequences must be an integer >= 1, got 0"),
    ({"n_sequences": 2, "lag": 2.0}, "lag must be an integer >= 1, got 2.0"),
])
def test_delayed_recall_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=whole(message)):
        delayed_recall(np.random.default_rng(0), **kwargs)
    with pytest.raises(TypeError, match="Generator"):
        delayed_recall(None, 2, 3)
    x, y = delayed_recall(np.random.default_rng(0), 1, 1)  # the smallest
    assert x.shape == (1, 2, 2) and y.shape == (1, 1)


def test_irregular_sine_steps_gaps_and_query():
    inputs, targets, times = irregular_sine(np.random.default_rng(0), 50, 12)
    assert inputs.shape == (50, 13, 3) and targets.shape == (50, 1)
    assert np.all(np.diff(times, axis=1) > 0)
    np.testing.assert_allclose(inputs[:, 1:, 2], np.diff(times, axis=1),
                               rtol=1e-6)
    assert np.all(inputs[:, 0, 2] == 0)
    assert np.all(inputs[:, :-1, 1] == 1) and np.all(inputs[:, -1, :2] == 0)
    assert np.all((inputs[:, -1, 2] >= 0.5) & (inputs[:, -1, 2] <= 2.0))
    again = irregular_sine(np.random.default_rng(0), 50, 12)
    np.testing.assert_array_equal(again[0], inputs)


def fit_waves(times, values):
    """Least-squares a sin(w t + phi) through each row: for every w on a
    grid, a sin(w t + phi) = b sin(w t) + c cos(w t) is linear in (b, c).
    Returns (w, a, phi in [0, 2 pi)) per row."""
    best = np.full(len(times), np.inf)
    fit = np.zeros((len(times), 3))
    for w in np.arange(0.45, 1.55, 0.001):
        basis = np.stack([np.sin(w * times), np.cos(w * times)], -1)
        coef = np.linalg.solve(basis.transpose(0, 2, 1) @ basis,
                               (basis.transpose(0, 2, 1)
                                @ values[..., None]))[..., 0]
        error = ((basis @ coef[..., None])[..., 0] - values) ** 2
        better = error.sum(1) < best
        best[better] = error.sum(1)[better]
        b, c = coef[better].T
        fit[better] = np.stack([np.full(better.sum(), w), np.hypot(b, c),
                                np.arctan2(c, b) % (2 * np.pi)], 1)
    return fit.T


def test_irregular_sine_draws_its_waves_as_documented():
    """a, w ~ U[0.5, 1.5], phi ~ U[0, 2 pi), sample times ~ U[0, span]
    (defaults: 20 of them over 10 time units), the query U[0.5, 2] after
    the last; the target lies on the same wave."""
    inputs, targets, times = irregular_sine(np.random.default_rng(1), 400)
    assert inputs.shape == (400, 21, 3) and times.shape == (400, 21)
    assert (inputs.dtype, targets.dtype, times.dtype) == (
        np.float32, np.float32, np.float64)
    observed = times[:, :-1]
    assert 0 <= observed.min() < 0.01 and 9.99 < observed.max() <= 10
    gaps = times[:, -1] - observed[:, -1]
    assert 0.5 <= gaps.min() < 0.52 and 1.98 < gaps.max() <= 2.0
    w, a, phi = fit_waves(observed, inputs[:, :-1, 0].astype(float))
    assert 0.5 - 1e-3 <= w.min() < 0.55 and 1.45 < w.max() <= 1.5 + 1e-3
    assert 0.5 - 1e-3 <= a.min() < 0.55 and 1.45 < a.max() <= 1.5 + 1e-3
    assert phi.min() < 0.1 and phi.max() > 2 * np.pi - 0.1
    assert 0.4 < np.mean(phi < np.pi) < 0.6  # uniform, not 3 pi wide
    np.testing.assert_allclose(targets[:, 0],
                               a * np.sin(w * times[:, -1] + phi), atol=0.02)


@pytest.mark.parametrize("args, kwargs, message", [
    ((0,), {}, "n_sequences must be an integer >= 1, got 0"),
    ((4, 0), {}, "points must be an integer >= 1, got 0"),
    ((4, 5), {"span": 0.0}, "span must be a positive number, got 0.0"),
    ((4, 5), {"span": np.inf}, "span must be a positive number, got inf"),
])
def test_irregular_sine_refuses_bad_arguments(args, kwargs, message):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=whole(message)):
        irregular_sine(rng, *args, **kwargs)
    with pytest.raises(TypeError, match="Generator"):
        irregular_sine(0, 4, 5)


def test_irregular_sine_takes_the_smallest_arguments():
    inputs, targets, times = irregular_sine(np.random.default_rng(0), 1, 1,
                                            span=0.5)
    assert inputs.shape == (1, 2, 3) and times[0, 0] <= 0.5
