"""The TCN: causal, with exactly the receptive field the formula gives."""

import keras
import numpy as np
import pytest

from lstm_course.models.tcn import TCN, receptive_field
from tests.helpers import check_trains_and_round_trips, gradients


def input_gradient(layer, x, step):
    """d(sum of the outputs at ``step``)/d inputs, (T,) summed over batch
    and features."""
    variable = keras.Variable(x)
    (grad,) = gradients(lambda: layer(variable)[:, step], [variable])
    return np.abs(grad).sum(axis=(0, 2))


@pytest.mark.parametrize("kernel_size, dilations", [(2, (1, 2, 4)),
                                                    (3, (1, 2))])
def test_causal_with_the_formulas_receptive_field(kernel_size, dilations):
    layer = TCN(6, kernel_size, dilations)
    field = receptive_field(kernel_size, dilations)
    assert layer.receptive_field == field
    steps = field + 10
    x = np.random.default_rng(0).normal(size=(2, steps, 3)).astype("float32")
    layer(x)
    # Positive weights and inputs keep every ReLU open: each path counts.
    for weight in layer.weights:
        weight.assign(np.abs(keras.ops.convert_to_numpy(weight)) + 0.05)
    grad = input_gradient(layer, np.abs(x) + 0.1, steps - 5)
    seen = np.flatnonzero(grad > 0)
    assert seen.max() == steps - 5  # nothing after the output's step
    assert seen.min() == steps - 5 - field + 1  # exactly R steps back
    assert len(seen) == field


def test_output_shape_and_round_trip(tmp_path):
    x = np.random.default_rng(1).normal(size=(4, 20, 2)).astype("float32")
    model = keras.Sequential([keras.Input((20, 2)), TCN(5, 3, (1, 2)),
                              keras.layers.Dense(1)])
    assert tuple(model(x).shape) == (4, 20, 1)
    check_trains_and_round_trips(model, x, x[..., :1], tmp_path, atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"filters": 0}, "filters must be"),
    ({"filters": 4, "kernel_size": 1}, "kernel_size must be"),
    ({"filters": 4, "dilations": (1, 0)}, "dilations must be"),
    ({"filters": 4, "dilations": ()}, "dilations must be"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TCN(**kwargs)
