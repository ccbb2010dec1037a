"""Each Keras-style cell starts its weights with the initializers it is
given, keeps them in its configuration, and defaults to Keras' choices:
Glorot for the input kernel, orthogonal for the recurrent kernel, zero
biases."""

import keras
import numpy as np
import pytest

from lstm_course.cells import ElmanCell, GRUCell, LSTMCell

CELLS = {"elman": ElmanCell, "gru": GRUCell,
         "lstm": lambda units, **kw: LSTMCell(units, unit_forget_bias=False,
                                              **kw)}


def built(cell, input_dim=2):
    cell.build((None, input_dim))
    return [keras.ops.convert_to_numpy(w) for w in cell.weights[:3]]


@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS)
def test_the_given_initializers_start_the_weights_and_stay_in_the_config(
        make):
    cell = make(3, kernel_initializer=keras.initializers.Constant(0.5),
                recurrent_initializer="ones",
                bias_initializer=keras.initializers.Constant(-0.25))
    kernel, recurrent, bias = built(cell)
    assert np.all(kernel == 0.5) and np.all(recurrent == 1.0)
    assert np.all(bias == -0.25)
    clone = type(cell).from_config(cell.get_config())
    for a, b in zip(built(clone), (kernel, recurrent, bias)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", CELLS.values(), ids=CELLS)
def test_default_initializers(make):
    keras.utils.set_random_seed(0)
    kernel, recurrent, bias = built(make(4), input_dim=3)
    assert np.all(bias == 0.0)
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)
    limit = np.sqrt(6 / sum(kernel.shape))  # Glorot uniform
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > limit / 2
