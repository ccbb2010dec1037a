"""LSTMCell against keras.layers.LSTM, the NumPy reference with peepholes,
and the 1997 cell; every Greff variant through the Keras contract."""

import keras
import numpy as np
import pytest

from lstm_course.cells import VARIANTS, LSTM1997Cell, LSTMCell
from lstm_course.cells.lstm import squash_g, squash_h
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


@pytest.mark.parametrize("truncated", [True, False])
def test_without_forget_gate_and_with_the_1997_squashing_it_is_the_1997_cell(
        truncated):
    x, y = data(units=3)
    old = LSTM1997Cell(3, truncated=truncated, weight_range=0.5,
                       dtype="float64")
    new = LSTMCell(3, variant="NFG", truncated=truncated, activation=squash_g,
                   output_activation=squash_h, dtype="float64")
    layers = [built(keras.layers.RNN(cell, return_sequences=True,
                                     dtype="float64")) for cell in (old, new)]
    new.set_weights(old.get_weights())  # both packed [i, c, o]
    outs = [keras.ops.convert_to_numpy(layer(x)) for layer in layers]
    np.testing.assert_allclose(outs[0], outs[1], atol=1e-12)
    grads = [gradients(lambda layer=layer: (layer(x) - tensor(y)) ** 2,
                       layer.cell.trainable_weights) for layer in layers]
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_cifg_couples_the_forget_gate_to_the_input_gate():
    cell = LSTMCell(2, variant="CIFG")
    layer = built(keras.layers.RNN(cell, return_state=True), 1, 1)
    cell.set_weights([np.zeros((1, 6)), np.zeros((2, 6)),
                      np.array([2.0, 2.0, 0.5, 0.5, 0.0, 0.0])])
    c0 = np.full((1, 2), 3.0, "float32")
    _, _, c = layer(np.zeros((1, 1, 1), "float32"),
                    initial_state=[np.zeros((1, 2), "float32"), c0])
    i = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(c),
                               (1 - i) * 3.0 + i * np.tanh(0.5), rtol=1e-6)


WEIGHTS = {"vanilla": 6, "NIG": 5, "NFG": 5, "NOG": 5, "NIAF": 6, "NOAF": 6,
           "NP": 3, "CIFG": 5, "FGR": 7}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_builds_trains_and_round_trips(variant, tmp_path):
    check_cell_contract(lambda: LSTMCell(4, variant=variant, peepholes=True),
                        tmp_path, expected_weights=WEIGHTS[variant])


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
    ({"units": 3, "variant": "GRU"},
     "unknown variant 'GRU'; valid variants: vanilla, NIG, NFG"),
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


def test_noaf_emits_the_state_through_the_output_gate_alone():
    """NOAF: y = o * c, no squashing of the state on the way out."""
    cell = LSTMCell(3, variant="NOAF")
    layer = built(keras.layers.RNN(cell), 1, 2)
    kernel, recurrent, bias = _random_weights(cell, 1)
    x = np.random.default_rng(2).normal(size=(4, 1, 2)).astype("float32")
    h0 = np.full((4, 3), 0.3, "float32")
    c0 = np.full((4, 3), 2.5, "float32")  # tanh(c) would differ clearly
    got = keras.ops.convert_to_numpy(layer(x, initial_state=[h0, c0]))
    z = x[:, 0] @ kernel + h0 @ recurrent + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    c = _np_sigmoid(f) * c0 + _np_sigmoid(i) * np.tanh(g)
    np.testing.assert_allclose(got, _np_sigmoid(o) * c, rtol=1e-5)


def test_fgr_gates_see_the_previous_steps_gates():
    """FGR: net_g(t) gains [i, f, o](t-1) @ gate_recurrent_kernel."""
    cell = LSTMCell(2, variant="FGR")
    layer = built(keras.layers.RNN(cell), 2, 1)
    kernel, recurrent, bias, gate_recurrent = _random_weights(cell, 3)
    x = np.random.default_rng(4).normal(size=(3, 2, 1)).astype("float32")
    got = keras.ops.convert_to_numpy(layer(x))
    h = c = np.zeros((3, 2))
    gates = np.zeros((3, 6))
    for t in range(2):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        extra = np.split(gates @ gate_recurrent, 3, axis=-1)
        i, f, o = (_np_sigmoid(n + e) for n, e in zip((i, f, o), extra))
        c = f * c + i * np.tanh(g)
        h = o * np.tanh(c)
        gates = np.concatenate([i, f, o], axis=-1)
    np.testing.assert_allclose(got, h, rtol=1e-5)


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
