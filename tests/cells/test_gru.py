"""GRUCell against keras.layers.GRU (both bias layouts) and the NumPy
reference; gradients against finite differences; the Keras contract."""

import keras
import numpy as np
import pytest

from lstm_course.cells import GRUCell
from lstm_course.gradcheck import relative_error
from lstm_course.reference import gru_np
from tests.helpers import check_cell_contract, gradients, precise, tensor


def twin_layers(reset_after, units=5, input_dim=3, steps=8, dtype="float32",
                seed=0):
    rng = np.random.default_rng(seed)
    params = gru_np.init_params(rng, input_dim, units, reset_after)
    ours = keras.layers.RNN(GRUCell(units, reset_after=reset_after,
                                    dtype=dtype),
                            return_sequences=True, dtype=dtype)
    builtin = keras.layers.GRU(units, reset_after=reset_after,
                               return_sequences=True, dtype=dtype)
    for layer in (ours, builtin):
        layer.build((None, steps, input_dim))
        layer.set_weights([w.astype(dtype)
                           for w in gru_np.keras_weights(params)])
    x = rng.normal(size=(4, steps, input_dim)).astype(dtype)
    return ours, builtin, x, params


@pytest.mark.parametrize("reset_after", [True, False])
def test_outputs_and_gradients_equal_keras_gru(reset_after):
    ours, builtin, x, _ = twin_layers(reset_after)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(builtin(x)),
                               atol=1e-6)
    readout = np.random.default_rng(1).normal(size=(4, 8, 5)).astype(
        "float32")
    ours_grads = gradients(lambda: ours(x) * tensor(readout),
                           ours.trainable_weights)
    builtin_grads = gradients(lambda: builtin(x) * tensor(readout),
                              builtin.trainable_weights)
    for weight, a, b in zip(ours.trainable_weights, ours_grads,
                            builtin_grads):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-5 * max(1, np.abs(b).max()),
                                   err_msg=weight.name)


@pytest.mark.parametrize("reset_after", [True, False])
def test_outputs_equal_the_numpy_reference(reset_after):
    dtype, atol = precise(1e-12, 1e-5)
    ours, _, x, params = twin_layers(reset_after, dtype=dtype)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               gru_np.forward(x.astype(float), params),
                               atol=atol)


def test_gradient_matches_finite_differences():
    ours, _, x, params = twin_layers(True, units=3, steps=4, dtype="float64")
    readout = np.random.default_rng(2).normal(size=(4, 4, 3))
    kernel_grad = gradients(lambda: ours(x) * tensor(readout),
                            [ours.cell.kernel])[0]
    kernel = gru_np.keras_weights(params)[0]
    numeric = np.zeros_like(kernel)
    eps = 1e-6
    for index in np.ndindex(*kernel.shape):
        for sign in (1, -1):
            shifted = {name: w.copy() for name, w in params.items()}
            row, col = index
            gate = gru_np.GATES[col // 3]
            shifted["W_x" + gate][row, col % 3] += sign * eps
            numeric[index] += sign * (gru_np.forward(x, shifted)
                                      * readout).sum() / (2 * eps)
    assert relative_error(kernel_grad, numeric) < 1e-7


def test_update_gate_at_one_keeps_the_state():
    """z = 1: h_t = h_{t-1}, the GRU's carousel (its forget gate open)."""
    ours, _, x, params = twin_layers(True, dtype="float64")
    params = {**params, "b_z": np.full(5, 50.0)}
    ours.set_weights(gru_np.keras_weights(params))
    h0 = np.random.default_rng(4).normal(size=(4, 5))
    out = keras.ops.convert_to_numpy(ours(x, initial_state=[h0]))
    np.testing.assert_allclose(out, np.broadcast_to(h0[:, None], out.shape),
                               atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
def test_chrono_init_sets_only_the_update_gates_input_bias(reset_after):
    """Memory times 1 / (1 - z) = 1 + u, u uniform in [1, T_max - 1]."""
    keras.utils.set_random_seed(0)
    cell = GRUCell(500, reset_after=reset_after, chrono_max_lag=100)
    cell.build((None, 3))
    bias = keras.ops.convert_to_numpy(cell.bias)
    first = bias[0] if reset_after else bias
    u = np.exp(first[:500])
    assert u.min() >= 1.0 and u.max() <= 99.0 and u.std() > 20
    np.testing.assert_array_equal(first[500:], 0.0)
    if reset_after:
        np.testing.assert_array_equal(bias[1], 0.0)


@pytest.mark.parametrize("reset_after", [True, False])
def test_cell_contract_and_keras_round_trip(reset_after, tmp_path):
    check_cell_contract(lambda: GRUCell(4, reset_after=reset_after,
                                        chrono_max_lag=20), tmp_path)


@pytest.mark.parametrize("kwargs, match", [
    ({"units": 0}, "units must be a positive integer"),
    ({"units": 2.5}, "units must be a positive integer"),
    ({"units": 3, "reset_after": "yes"}, "reset_after must be True or False"),
    ({"units": 3, "chrono_max_lag": 2}, "chrono_max_lag must be a number > 2"),
])
def test_bad_arguments_are_refused_with_a_reason(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GRUCell(**kwargs)


def test_the_reference_starts_from_a_given_state():
    rng = np.random.default_rng(20)
    params = gru_np.init_params(rng, 2, 3)
    x, h0 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3))
    out = gru_np.forward(x, params, h0)
    np.testing.assert_array_equal(out[:, 0],
                                  gru_np.step_forward(x[:, 0], h0, params))
    assert not np.allclose(out[:, 0], gru_np.forward(x, params)[:, 0])


def test_reference_init_params_defaults():
    params = gru_np.init_params(np.random.default_rng(21), 20, 30)
    again = gru_np.init_params(np.random.default_rng(21), 20, 30,
                               reset_after=True, scale=0.5)
    assert params.keys() == again.keys() and "c_z" in params
    for name, value in params.items():
        np.testing.assert_array_equal(value, again[name])
    weights = np.concatenate([v.ravel() for v in params.values()])
    assert abs(weights.mean()) < 0.02 and abs(weights.std() - 0.5) < 0.02
