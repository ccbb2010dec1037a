"""LSTMCell against keras.layers.LSTM and the NumPy reference with
peepholes; its truncated gradient by hand."""

import keras
import numpy as np
import pytest

from lstm_course.cells import LSTMCell
from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.reference import lstm_np
from tests.helpers import (
    NO_FLOAT64,
    check_cell_contract,
    gradients,
    precise,
    tensor,
)


def built(layer, steps=6, input_dim=2):
    layer.build((None, steps, input_dim))
    return layer


def data(seed=0, batch=3, steps=6, input_dim=2, units=4):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(batch, steps, input_dim)),
            rng.normal(size=(batch, steps, units)))


@pytest.mark.parametrize("dtype, atol", [
    ("float32", 1e-6), pytest.param("float64", 1e-12, marks=NO_FLOAT64)])
def test_equals_keras_lstm_outputs_and_gradients(dtype, atol):
    x, y = data()
    ours = built(keras.layers.RNN(LSTMCell(4, dtype=dtype),
                                  return_sequences=True, dtype=dtype))
    theirs = built(keras.layers.LSTM(4, return_sequences=True, dtype=dtype))
    ours.set_weights(theirs.get_weights())
    x, y = x.astype(dtype), y.astype(dtype)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(theirs(x)),
                               atol=atol)
    for a, b in zip(gradients(lambda: (ours(x) - tensor(y)) ** 2,
                              ours.trainable_weights),
                    gradients(lambda: (theirs(x) - tensor(y)) ** 2,
                              theirs.trainable_weights)):
        np.testing.assert_allclose(a, b, atol=10 * atol)


def test_equals_keras_lstm_after_a_training_step():
    x, y = data()
    models = []
    for recurrent in (keras.layers.RNN(LSTMCell(4)), keras.layers.LSTM(4)):
        model = keras.Sequential([keras.Input((6, 2)), recurrent,
                                  keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(0.1), "mse")
        models.append(model)
    models[0].set_weights(models[1].get_weights())
    for model in models:
        model.fit(x.astype("float32"), y[:, -1, :1].astype("float32"),
                  epochs=1, batch_size=3, verbose=0)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_keras_forget_bias_starts_at_one():
    cell = LSTMCell(3)
    cell.build((None, 2))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(cell.bias)[3:6], np.ones(3))


@pytest.mark.parametrize("peepholes", [False, True])
def test_reference_bptt_matches_central_differences(peepholes):
    rng = np.random.default_rng(1)
    params = lstm_np.init_params(rng, 2, 3, peepholes=peepholes)
    x, y = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))
    h0, c0 = rng.normal(0, 0.3, (2, 3)), rng.normal(0, 0.3, (2, 3))

    def loss():
        return 0.5 * np.sum((lstm_np.forward(x, params, h0, c0)[0] - y) ** 2)

    h, _, caches = lstm_np.forward(x, params, h0, c0)
    dx, dh0, dc0, grads = lstm_np.bptt(h - y, caches, params)
    for name in params:
        assert relative_error(grads[name], numerical_gradient(
            loss, params[name])) < 1e-7, name
    for value, grad in ((x, dx), (h0, dh0), (c0, dc0)):
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7


@pytest.mark.parametrize("peepholes", [False, True])
def test_keras_cell_equals_the_reference(peepholes):
    rng = np.random.default_rng(2)
    params = lstm_np.init_params(rng, 2, 3, peepholes=peepholes)
    x, y = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))
    dtype, atol = precise(1e-12, 1e-5)
    cell = LSTMCell(3, peepholes=peepholes, dtype=dtype)
    layer = built(keras.layers.RNN(cell, return_sequences=True,
                                   dtype=dtype), 5)
    cell.set_weights(lstm_np.keras_weights(params))
    h, _, caches = lstm_np.forward(x, params)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), h,
                               atol=atol)
    _, _, _, grads = lstm_np.bptt(h - y, caches, params)
    got = gradients(lambda: 0.5 * (layer(x) - tensor(y)) ** 2,
                    cell.trainable_weights)
    for a, b in zip(got, lstm_np.keras_weights(grads)):
        assert relative_error(a, b) < (1e-10 if dtype == "float64" else 1e-4)


def test_builds_trains_and_round_trips(tmp_path):
    check_cell_contract(lambda: LSTMCell(4, peepholes=True, truncated=True),
                        tmp_path, expected_weights=6)


def test_chrono_initialisation():
    keras.utils.set_random_seed(0)
    cell = LSTMCell(50, chrono_max_lag=100)
    cell.build((None, 2))
    bias = keras.ops.convert_to_numpy(cell.bias)
    forget, inputs = bias[50:100], bias[:50]
    assert np.all((forget >= 0) & (forget <= np.log(99)))
    np.testing.assert_allclose(inputs, -forget)


@pytest.mark.parametrize("kwargs, match", [
    ({"units": 0}, "units must be a positive integer"),
    ({"units": 3, "chrono_max_lag": 1}, "chrono_max_lag"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSTMCell(**kwargs)


@pytest.mark.parametrize("peepholes", [False, True])
def test_params_from_keras_inverts_keras_weights(peepholes):
    params = lstm_np.init_params(np.random.default_rng(3), 2, 3, peepholes)
    back = lstm_np.params_from_keras(lstm_np.keras_weights(params))
    assert back.keys() == params.keys()
    for name in params:
        np.testing.assert_array_equal(back[name], params[name])


def _np_sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _random_weights(cell, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(-1, 1, w.shape).astype("float32")
               for w in cell.get_weights()]
    cell.set_weights(weights)
    return weights


def test_truncated_peepholes_carry_no_error_back_into_the_state():
    """With ``truncated=True`` the error reaches c_{t-1} only along the
    CEC: d sum(h_t) / d c_{t-1} = o h'(c_t) f, nothing through the
    peepholes of i, f or o."""
    from lstm_course.autodiff import gradient

    cell = LSTMCell(3, peepholes=True, truncated=True)
    layer = built(keras.layers.RNN(cell), 1, 2)
    kernel, recurrent, bias, p_i, p_f, p_o = _random_weights(cell, 5)
    x = np.random.default_rng(6).normal(size=(2, 1, 2)).astype("float32")
    h0 = np.full((2, 3), 0.2, "float32")
    c0 = np.random.default_rng(7).normal(size=(2, 3)).astype("float32")
    got = gradient(lambda c: layer(x, initial_state=[h0, c]), c0)
    z = x[:, 0] @ kernel + h0 @ recurrent + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    i, f = _np_sigmoid(i + p_i * c0), _np_sigmoid(f + p_f * c0)
    c = f * c0 + i * np.tanh(g)
    o = _np_sigmoid(o + p_o * c)
    np.testing.assert_allclose(got, o * (1 - np.tanh(c) ** 2) * f,
                               rtol=1e-4, atol=1e-6)


def test_reference_init_params_defaults_and_ranges():
    params = lstm_np.init_params(np.random.default_rng(4), 2, 3)
    again = lstm_np.init_params(np.random.default_rng(4), 2, 3,
                                peepholes=False, scale=0.5)
    assert params.keys() == again.keys()
    assert not any(name.startswith("p_") for name in params)
    with_peepholes = lstm_np.init_params(np.random.default_rng(4), 2, 3,
                                         peepholes=True)
    for name, value in with_peepholes.items():
        if name in params:
            np.testing.assert_array_equal(params[name], again[name])
        # uniform in [-0.5, 0.5]: both signs
        assert np.abs(value).max() <= 0.5
        assert value.min() < 0 < value.max()


def test_reference_returns_states_as_batch_steps_units():
    params = lstm_np.init_params(np.random.default_rng(5), 2, 3)
    h, c, _ = lstm_np.forward(np.zeros((4, 6, 2)), params)
    assert h.shape == c.shape == (4, 6, 3)


def test_params_from_keras_are_float64():
    cell = LSTMCell(3, peepholes=True)
    built(keras.layers.RNN(cell), 2, 2)
    params = lstm_np.params_from_keras(cell.get_weights())
    assert all(value.dtype == np.float64 for value in params.values())
    assert {"p_i", "p_f", "p_o"} <= params.keys()


def test_chrono_lags_span_one_to_max_lag_minus_one():
    from lstm_course.cells import chrono

    keras.utils.set_random_seed(3)
    lags = chrono.log_lags(2000, 10)
    assert lags.dtype == np.float32
    assert 0.0 <= lags.min() < np.log(1.05)
    assert np.log(8.9) < lags.max() <= np.log(9.0) + 1e-6
    chrono.check_max_lag(3)  # the smallest accepted: u in [1, 2]
    with pytest.raises(ValueError, match=r"^chrono_max_lag must be a number "
                       r"> 2 \(the longest lag expected\), got 2$"):
        chrono.check_max_lag(2)
