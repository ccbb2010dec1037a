"""Error-flow diagnostics: the explicit Jacobian product against autodiff
and against finite differences of the NumPy reference, the bound, the
spectrum helpers, and their edge cases."""

import re

import keras
import numpy as np
import pytest

from lstm_course import diagnostics as d
from lstm_course.cells import ElmanCell
from lstm_course.gradcheck import numerical_gradient
from lstm_course.reference import rnn_np


def elman(rng, units=5, input_dim=3, scale=2.0, activation="tanh"):
    """A built ElmanCell and the same parameters as a float64 dict."""
    params = rnn_np.init_params(rng, input_dim, units, scale=scale)
    cell = ElmanCell(units, activation=activation)
    cell.build((None, input_dim))
    cell.set_weights([params[name] for name in rnn_np.PARAM_NAMES])
    params = dict(zip(rnn_np.PARAM_NAMES,
                      (w.astype(np.float64) for w in cell.get_weights())))
    return cell, params


def orthogonal(rng, size):
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def test_step_jacobians_match_finite_differences_of_the_reference():
    rng = np.random.default_rng(0)
    params = rnn_np.init_params(rng, 3, 4, scale=2.0)
    x, h0 = rng.normal(size=(2, 3, 3)), rng.normal(0, 0.5, (2, 4))
    jacobians = d.elman_step_jacobians(x, h0, params)
    h_prev = rnn_np.forward(x, params, h0)[0][:, 1]  # the state h_2
    for b in range(2):
        for i in range(4):
            state = h_prev[b:b + 1].copy()

            def out():
                return rnn_np.step_forward(x[b:b + 1, 2], state, params)[0][0, i]

            row = numerical_gradient(out, state)[0]
            np.testing.assert_allclose(jacobians[b, 2, i], row, atol=1e-8)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear"])
def test_explicit_product_equals_autodiff(activation):
    rng = np.random.default_rng(1)
    cell, params = elman(rng, activation=activation)
    x = rng.normal(size=(4, 7, 3)).astype("float32")
    h0 = rng.normal(0, 0.3, (4, 5)).astype("float32")
    explicit = d.elman_step_jacobians(x, h0, params, activation)
    np.testing.assert_allclose(d.cell_step_jacobians(cell, x, h0), explicit,
                               atol=1e-5)
    np.testing.assert_allclose(d.cell_state_jacobian(cell, x, h0),
                               d.jacobian_product(explicit), atol=1e-5)


def test_product_of_autodiff_steps_equals_autodiff_chain_for_an_lstm():
    rng = np.random.default_rng(2)
    cell = keras.layers.LSTMCell(3)
    x = rng.normal(size=(2, 6, 2)).astype("float32")
    steps = d.cell_step_jacobians(cell, x)
    assert steps.shape == (2, 6, 6, 6)  # [h, c] together
    np.testing.assert_allclose(d.jacobian_product(steps),
                               d.cell_state_jacobian(cell, x), atol=1e-5)


def test_lag_norms_are_the_norms_of_the_trailing_products():
    rng = np.random.default_rng(3)
    jacobians = rng.normal(0, 0.7, (3, 5, 4, 4))
    norms = d.lag_norms(jacobians)
    assert norms.shape == (3, 6)
    for q in range(6):
        product = d.jacobian_product(jacobians[:, 5 - q:])
        np.testing.assert_allclose(norms[:, q],
                                   np.linalg.norm(product, 2, axis=(1, 2)))


@pytest.mark.parametrize("activation, gamma", [("tanh", 1.0),
                                               ("sigmoid", 0.25),
                                               ("linear", 1.0)])
def test_the_bound_holds_on_random_matrices(activation, gamma):
    rng = np.random.default_rng(4)
    for _ in range(20):
        params = rnn_np.init_params(rng, 2, 6)
        params["W_hh"] = rng.normal(0, rng.uniform(0.05, 1.0), (6, 6))
        x = rng.normal(size=(8, 25, 2))
        norms = d.lag_norms(d.elman_step_jacobians(x, np.zeros((8, 6)),
                                                   params, activation))
        bound = d.error_flow_bound(params["W_hh"], gamma, np.arange(26))
        assert np.all(norms <= bound * (1 + 1e-10) + 1e-300)
        assert d.DERIVATIVE_BOUNDS[activation] == gamma


@pytest.mark.parametrize("sigma", [0.5, 1.0, 1.7])
def test_linear_units_with_scaled_orthogonal_weights_follow_sigma_to_the_q(
        sigma):
    rng = np.random.default_rng(5)
    params = rnn_np.init_params(rng, 2, 6)
    params["W_hh"] = sigma * orthogonal(rng, 6)
    x = rng.normal(size=(3, 30, 2))
    norms = d.lag_norms(d.elman_step_jacobians(x, np.zeros((3, 6)), params,
                                               "linear"))
    np.testing.assert_allclose(norms, np.broadcast_to(sigma ** np.arange(31),
                                                      (3, 31)), rtol=1e-10)
    assert d.log_slope(norms[0]) == pytest.approx(np.log(sigma), abs=1e-10)


def test_lag_zero_and_empty_sequences():
    eye = np.broadcast_to(np.eye(3), (2, 3, 3))
    np.testing.assert_array_equal(d.jacobian_product(np.zeros((2, 0, 3, 3))),
                                  eye)
    np.testing.assert_array_equal(d.lag_norms(np.zeros((2, 0, 3, 3))),
                                  np.ones((2, 1)))
    assert d.error_flow_bound(np.eye(3) * 5, 1.0, 0) == 1.0
    cell, params = elman(np.random.default_rng(6), units=3)
    empty = np.zeros((2, 0, 3), "float32")
    np.testing.assert_array_equal(d.cell_state_jacobian(cell, empty), eye)
    assert d.cell_step_jacobians(cell, empty).shape == (2, 0, 3, 3)
    assert d.elman_step_jacobians(empty, np.zeros((2, 3)),
                                  params).shape == (2, 0, 3, 3)


def test_zero_error_gives_zero_gradient_norms():
    cell, _ = elman(np.random.default_rng(7), units=3)
    x = np.zeros((2, 4, 3), "float32")
    cell.set_weights([np.zeros_like(w) for w in cell.get_weights()])
    norms = d.gradient_norm_vs_lag(cell, x)
    np.testing.assert_array_equal(norms, np.zeros((2, 4)))


def test_spectrum_of_known_matrices():
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    nilpotent = np.array([[0.0, 3.0], [0.0, 0.0]])
    np.testing.assert_allclose(d.singular_values(np.diag([1.0, -4.0, 2.0])),
                               [4.0, 2.0, 1.0])
    assert d.spectral_norm(2 * rotation) == pytest.approx(2.0)
    assert d.spectral_radius(2 * rotation) == pytest.approx(2.0)
    # Non-normal: no eigenvalue above 0, yet one step stretches by 3.
    assert d.spectral_radius(nilpotent) == 0.0
    assert d.spectral_norm(nilpotent) == pytest.approx(3.0)
    scaled = d.scaled_to_spectral_norm(np.diag([1.0, -4.0]), 0.5)
    np.testing.assert_allclose(scaled, np.diag([0.125, -0.5]))
    variable = keras.Variable(np.diag([3.0, 1.0]).astype("float32"))
    assert d.spectral_norm(variable) == pytest.approx(3.0)


def test_error_flow_bound_values():
    w = np.diag([1.5, 0.2])
    np.testing.assert_allclose(d.error_flow_bound(w, 0.25, [0, 1, 2]),
                               [1.0, 0.375, 0.375**2])


@pytest.mark.parametrize("call, message", [
    (lambda: d.spectral_norm(np.ones(3)),
     "kernel must be a 2-D matrix, got shape (3,)"),
    (lambda: d.spectral_radius(np.ones((2, 3))),
     "the spectral radius needs a square matrix, got shape (2, 3)"),
    (lambda: d.scaled_to_spectral_norm(np.zeros((2, 2)), 1.0),
     "cannot rescale a zero matrix"),
    (lambda: d.scaled_to_spectral_norm(np.eye(2), -1.0),
     "sigma must be a finite number >= 0, got -1.0"),
    (lambda: d.error_flow_bound(np.eye(2), 1.0, [1, -1]),
     "lags must be >= 0, got -1"),
    (lambda: d.error_flow_bound(np.eye(2), float("nan"), [1]),
     "gamma must be a finite number >= 0, got nan"),
    (lambda: d.jacobian_product(np.zeros((2, 3, 3))),
     "jacobians must have shape (batch, steps, S, S), got (2, 3, 3)"),
    (lambda: d.lag_norms(np.zeros((2, 1, 3, 2))),
     "jacobians must have shape (batch, steps, S, S), got (2, 1, 3, 2)"),
    (lambda: d.backpropagate_error(np.zeros((2, 4, 3, 3)), np.ones(3)),
     "error must be (batch, S) = (2, 3), got (3,)"),
    (lambda: d.log_slope([1.0]),
     "need at least two values, one per lag; got (1,) values and (1,) lags"),
    (lambda: d.log_slope([1.0, 2.0], lags=[0, 1, 2]),
     "need at least two values, one per lag; got (2,) values and (3,) lags"),
    (lambda: d.log_slope([1.0, 0.0]),
     "values must be finite and > 0 to take their log"),
    (lambda: d.elman_step_jacobians(np.zeros((1, 1, 1)), np.zeros((1, 1)),
                                    {}, "relu"),
     "activation must be one of tanh, sigmoid, linear, got 'relu'"),
])
def test_bad_arguments_are_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


def test_edges_of_the_accepted_arguments():
    w = np.diag([2.0, 1.0])
    np.testing.assert_array_equal(d.scaled_to_spectral_norm(w, 0.0),
                                  np.zeros((2, 2)))
    np.testing.assert_array_equal(d.error_flow_bound(w, 0.0, [0, 1, 2]),
                                  [1.0, 0.0, 0.0])
    assert d.log_slope(np.exp(-np.array([0.0, 2.0, 4.0])),
                       lags=[0, 2, 4]) == pytest.approx(-1.0)
    assert d.log_slope([1, 2, 4]) == pytest.approx(np.log(2))  # integers


def test_float32_inputs_are_measured_in_float64():
    rng = np.random.default_rng(12)
    w32 = rng.normal(size=(4, 4)).astype(np.float32)
    values = d.singular_values(w32)
    assert values.dtype == np.float64
    np.testing.assert_allclose(
        values, np.linalg.svd(w32.astype(np.float64), compute_uv=False),
        rtol=1e-14)
    variable = keras.Variable(w32)
    np.testing.assert_array_equal(d.singular_values(variable), values)
    params = {name: value.astype(np.float32) for name, value in
              rnn_np.init_params(rng, 2, 4, scale=2.0).items()}
    x32 = rng.normal(size=(2, 3, 2)).astype(np.float32)
    h32 = rng.normal(size=(2, 4)).astype(np.float32)
    got = d.elman_step_jacobians(x32, h32, params)
    as64 = {name: value.astype(np.float64) for name, value in params.items()}
    expected = d.elman_step_jacobians(x32.astype(np.float64),
                                      h32.astype(np.float64), as64)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_no_steps_keep_the_state_size():
    params = rnn_np.init_params(np.random.default_rng(13), 2, 3)
    empty = d.elman_step_jacobians(np.zeros((4, 0, 2)), np.zeros((4, 3)),
                                   params)
    assert empty.shape == (4, 0, 3, 3)
    cell, _ = elman(np.random.default_rng(14), units=3, input_dim=2)
    steps = d.cell_step_jacobians(cell, np.zeros((4, 0, 2), np.float32))
    assert steps.shape == (4, 0, 3, 3) and steps.dtype == np.float32


class BareStateCell(keras.layers.Layer):
    """h_t = 2 h_{t-1} + x_t, returning its one state bare, not in a list."""

    state_size = 2

    def call(self, inputs, states):
        h = 2.0 * states[0] + inputs
        return h, h


def test_a_cell_returning_its_state_bare():
    x = np.zeros((1, 3, 2), np.float32)
    steps = d.cell_step_jacobians(BareStateCell(), x)
    np.testing.assert_allclose(steps, np.broadcast_to(2 * np.eye(2),
                                                      (1, 3, 2, 2)))


def test_gradient_norm_vs_lag_draws_its_error_from_seed_0_by_default():
    cell, _ = elman(np.random.default_rng(15), units=3, input_dim=2)
    x = np.random.default_rng(16).normal(size=(2, 4, 2))  # float64
    default = d.gradient_norm_vs_lag(cell, x)
    assert default.dtype == np.float32
    np.testing.assert_array_equal(default,
                                  d.gradient_norm_vs_lag(cell, x, seed=0))
    assert not np.allclose(default, d.gradient_norm_vs_lag(cell, x, seed=1))


def test_cell_helpers_check_shapes():
    cell, _ = elman(np.random.default_rng(8), units=3)
    with pytest.raises(ValueError, match="batch, steps, features"):
        d.cell_step_jacobians(cell, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"initial_state must be \(batch, 3\)"):
        d.cell_state_jacobian(cell, np.zeros((2, 4, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="steps >= 1"):
        d.gradient_norm_vs_lag(cell, np.zeros((2, 0, 3)))


def test_gradient_norm_vs_lag_matches_the_explicit_chain_rule():
    rng = np.random.default_rng(9)
    cell, params = elman(rng, units=4, input_dim=2)
    x = rng.normal(size=(3, 6, 2)).astype("float32")
    got = d.gradient_norm_vs_lag(cell, x, seed=3)
    # dL/dx_t = e . dh_T/dh_t . diag(tanh'(a_t)) W_xh^T, with e as drawn.
    h, _ = rnn_np.forward(x.astype(np.float64), params)
    error = np.random.default_rng(3).normal(size=(3, 4))
    error /= np.linalg.norm(error, axis=1, keepdims=True)
    jacobians = d.elman_step_jacobians(x, np.zeros((3, 4)), params)
    for t in range(6):
        to_last = d.jacobian_product(jacobians[:, t + 1:])
        local = (1 - h[:, t] ** 2)[:, :, None] * params["W_xh"].T
        grad = np.einsum("bi,bij,bjk->bk", error, to_last, local)
        np.testing.assert_allclose(got[:, 5 - t], np.linalg.norm(grad, axis=1),
                                   rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("make", [
    lambda: keras.layers.LSTM(4),
    lambda: keras.layers.GRU(4, return_sequences=True),
    lambda: keras.Sequential([keras.Input((5, 2)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(1)]),
])
def test_gradient_norm_vs_lag_takes_any_recurrent_layer_or_model(make):
    x = np.random.default_rng(10).normal(size=(3, 5, 2)).astype("float32")
    norms = d.gradient_norm_vs_lag(make(), x)
    assert norms.shape == (3, 5)
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)


def test_backpropagate_error_is_the_row_vector_times_the_products():
    rng = np.random.default_rng(11)
    jacobians = rng.normal(0, 0.7, (2, 4, 3, 3))
    error = rng.normal(size=(2, 3))
    deltas = d.backpropagate_error(jacobians, error)
    assert deltas.shape == (2, 5, 3)
    for q in range(5):
        product = d.jacobian_product(jacobians[:, 4 - q:])
        np.testing.assert_allclose(deltas[:, q],
                                   np.einsum("bi,bij->bj", error, product))
    with pytest.raises(ValueError, match=r"error must be \(batch, S\)"):
        d.backpropagate_error(jacobians, np.ones(3))


def test_one_step_of_the_chain_is_that_steps_jacobian():
    cell, _ = elman(np.random.default_rng(17), units=3, input_dim=2)
    x = np.random.default_rng(18).normal(size=(2, 1, 2)).astype(np.float32)
    np.testing.assert_allclose(d.cell_state_jacobian(cell, x),
                               d.cell_step_jacobians(cell, x)[:, 0],
                               rtol=1e-6)


class NestedStateCell(keras.layers.Layer):
    state_size = [(2, 2)]


def test_nested_states_are_refused():
    with pytest.raises(ValueError, match=re.escape(
            "cell states must be flat vectors, got state_size [(2, 2)]")):
        d.cell_step_jacobians(NestedStateCell(), np.zeros((1, 1, 1)))


def test_cell_jacobians_are_taken_in_the_cells_float32():
    cell, _ = elman(np.random.default_rng(19), units=3, input_dim=2)
    x = np.random.default_rng(20).normal(size=(2, 2, 2))  # float64
    assert d.cell_step_jacobians(cell, x).dtype == np.float32
    assert d.cell_state_jacobian(cell, x, np.zeros((2, 3))).dtype == \
        np.float32
