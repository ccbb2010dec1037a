"""ElmanCell against keras.layers.SimpleRNN and the NumPy reference."""

import keras
import numpy as np
import pytest

from lstm_course.cells import ElmanCell
from lstm_course.reference import rnn_np
from tests.helpers import (
    NO_FLOAT64,
    check_cell_contract,
    gradients,
    precise,
    tensor,
)


def twin_layers(units=6, input_dim=3, steps=9, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=0.5, size=(input_dim, units)),
               rng.normal(scale=0.5, size=(units, units)),
               rng.normal(scale=0.2, size=(units,))]
    ours = keras.layers.RNN(ElmanCell(units, dtype=dtype),
                            return_sequences=True, dtype=dtype)
    builtin = keras.layers.SimpleRNN(units, return_sequences=True,
                                     dtype=dtype)
    for layer in (ours, builtin):
        layer.build((None, steps, input_dim))
        layer.set_weights([w.astype(dtype) for w in weights])
    x = rng.normal(size=(5, steps, input_dim)).astype(dtype)
    return ours, builtin, x, weights


@pytest.mark.parametrize("dtype", ["float32",
                                   pytest.param("float64",
                                                marks=NO_FLOAT64)])
def test_outputs_equal_simple_rnn(dtype):
    ours, builtin, x, _ = twin_layers(dtype=dtype)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(builtin(x)),
                               rtol=0, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32",
                                   pytest.param("float64",
                                                marks=NO_FLOAT64)])
def test_gradients_equal_simple_rnn(dtype):
    ours, builtin, x, _ = twin_layers(dtype=dtype)
    readout = np.random.default_rng(1).normal(size=(5, 9, 6)).astype(dtype)
    ours_grads = gradients(lambda: ours(x) * tensor(readout),
                           ours.trainable_weights)
    builtin_grads = gradients(lambda: builtin(x) * tensor(readout),
                              builtin.trainable_weights)
    names = [w.name for w in ours.trainable_weights]
    assert names == [w.name for w in builtin.trainable_weights]
    for name, a, b in zip(names, ours_grads, builtin_grads):
        scale = max(1.0, np.abs(b).max())
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6 * scale,
                                   err_msg=name)


def test_outputs_and_gradients_equal_the_numpy_reference():
    dtype, atol = precise(1e-12, 1e-5)
    ours, _, x, weights = twin_layers(dtype=dtype)
    params = dict(zip(rnn_np.PARAM_NAMES, weights))
    h, caches = rnn_np.forward(x.astype(float), params)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), h,
                               atol=atol)
    readout = np.random.default_rng(2).normal(size=h.shape)
    _, _, grads = rnn_np.bptt(readout, caches, params)
    keras_grads = gradients(lambda: ours(x) * tensor(readout),
                            ours.trainable_weights)
    for name, got in zip(rnn_np.PARAM_NAMES, keras_grads):
        np.testing.assert_allclose(got, grads[name], atol=100 * atol,
                                   err_msg=name)


def test_without_bias_and_with_another_activation():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    ours = keras.layers.RNN(ElmanCell(5, activation="relu", use_bias=False))
    builtin = keras.layers.RNN(keras.layers.SimpleRNNCell(
        5, activation="relu", use_bias=False))
    ours.build(x.shape)
    builtin.build(x.shape)
    builtin.set_weights(ours.get_weights())
    assert len(ours.get_weights()) == 2
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(builtin(x)),
                               atol=1e-6)


def test_cell_contract_and_keras_round_trip(tmp_path):
    check_cell_contract(lambda: ElmanCell(4), tmp_path)


@pytest.mark.parametrize("units", [0, -3, 2.5, "8", None, True])
def test_bad_units_raise_a_clear_error(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        ElmanCell(units)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError):
        ElmanCell(4, activation="no_such_activation")
