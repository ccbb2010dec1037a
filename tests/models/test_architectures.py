"""Chapter 06's contenders: every one maps (batch, T, D) to (batch, outputs),
trains, and round-trips through ``.keras``; the TCN sees the whole window."""

import keras
import numpy as np
import pytest

from lstm_course.models.architectures import (
    ARCHITECTURES,
    ConstantGap,
    build_model,
    dilations_for,
)
from lstm_course.models.tcn import receptive_field
from tests.helpers import check_trains_and_round_trips


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_every_architecture_trains_and_round_trips(name, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 12, 2)).astype("float32")
    y = rng.normal(size=(16, 3)).astype("float32")
    keras.utils.set_random_seed(0)
    model = build_model(name, 12, 2, 3, width=8, kernel_size=5)
    assert tuple(model(x).shape) == (16, 3)
    check_trains_and_round_trips(model, x, y, tmp_path, atol=1e-6)


@pytest.mark.parametrize("steps", [1, 5, 9, 10, 100, 1000])
def test_tcn_dilations_are_the_fewest_that_cover_the_window(steps):
    dilations = dilations_for(steps)
    assert receptive_field(3, dilations) >= steps
    assert dilations == tuple(2 ** k for k in range(len(dilations)))
    if len(dilations) > 1:
        assert receptive_field(3, dilations[:-1]) < steps


def test_constant_gap_appends_the_time_step():
    x = np.ones((2, 4, 3), "float32")
    out = keras.ops.convert_to_numpy(ConstantGap(0.5)(x))
    np.testing.assert_array_equal(out[..., :3], x)
    np.testing.assert_array_equal(out[..., 3], 0.5)


def test_irregular_ode_rnn_reads_the_gap_from_the_inputs():
    model = build_model("ode_rnn", 6, 3, 1, width=4, regular=False)
    assert model.layers[1].cell.gru.kernel.shape == (2, 12)


@pytest.mark.parametrize("name", ["gru", "linear"])
def test_relative_forecasts_follow_a_level_shift_exactly(name):
    """Inputs minus their last value in, that value added back out: a
    window shifted by c gives forecasts shifted by c."""
    x = np.random.default_rng(1).normal(size=(4, 10, 1)).astype("float32")
    model = build_model(name, 10, 1, 3, width=8, relative=True)
    shift = keras.ops.convert_to_numpy(model(x + 100.0) - model(x))
    np.testing.assert_allclose(shift, 100.0, atol=1e-3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="rnn"), "unknown architecture 'rnn'"),
    (dict(name="gru", steps=0), "steps must be a positive integer"),
    (dict(name="gru", width=2.5), "width must be a positive integer"),
    (dict(name="gru", relative=1), "relative must be True or False"),
    (dict(name="gru", relative=True, features=2),
     "features must be 1, got 2"),
])
def test_bad_arguments(kwargs, match):
    arguments = dict(steps=5, features=1, outputs=1) | kwargs
    with pytest.raises(ValueError, match=match):
        build_model(**arguments)
