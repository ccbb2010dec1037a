"""The NumPy Elman RNN against its equation and against finite differences."""

import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.reference import rnn_np


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    params = rnn_np.init_params(rng, 3, 5, scale=2.0)
    x = rng.normal(size=(4, 7, 3))
    h0 = rng.normal(scale=0.3, size=(4, 5))
    targets = rng.normal(scale=0.5, size=(4, 7, 5))
    return params, x, h0, targets


def squared_error_problem(problem):
    """The loss as a closure over the arrays, the caches and dL/dh."""
    params, x, h0, targets = problem

    def loss():
        h, _ = rnn_np.forward(x, params, h0)
        return rnn_np.squared_error_loss(h, targets)[0]

    h, caches = rnn_np.forward(x, params, h0)
    return loss, caches, rnn_np.squared_error_loss(h, targets)[1]


def test_step_is_the_equation_written_per_unit(problem):
    params, x, h0, _ = problem
    h_t, _ = rnn_np.step_forward(x[:, 0], h0, params)
    for b in range(x.shape[0]):
        for j in range(5):
            a = sum(x[b, 0, i] * params["W_xh"][i, j] for i in range(3))
            a += sum(h0[b, k] * params["W_hh"][k, j] for k in range(5))
            assert h_t[b, j] == pytest.approx(np.tanh(a + params["b_h"][j]),
                                              abs=1e-14)


def test_forward_chains_the_steps(problem):
    params, x, h0, _ = problem
    h, caches = rnn_np.forward(x, params, h0)
    assert h.shape == (4, 7, 5) and len(caches) == 7
    state = h0
    for t in range(7):
        state = np.tanh(x[:, t] @ params["W_xh"] + state @ params["W_hh"]
                        + params["b_h"])
        np.testing.assert_allclose(h[:, t], state, atol=1e-14)


def test_bptt_matches_central_differences(problem):
    params, x, h0, _ = problem
    loss, caches, dh = squared_error_problem(problem)
    dx, dh0, grads = rnn_np.bptt(dh, caches, params)
    for name in rnn_np.PARAM_NAMES:
        assert relative_error(grads[name],
                              numerical_gradient(loss, params[name])) < 1e-7
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert relative_error(dh0, numerical_gradient(loss, h0)) < 1e-7


def test_a_wrong_backward_pass_fails_the_check(problem):
    params, x, h0, _ = problem
    loss, caches, dh = squared_error_problem(problem)
    truncated = np.zeros_like(dh)
    truncated[:, -1] = dh[:, -1]  # ignore the losses before the last step
    _, _, grads = rnn_np.bptt(truncated, caches, params)
    assert relative_error(grads["W_hh"],
                          numerical_gradient(loss, params["W_hh"])) > 1e-2


def test_step_backward_matches_central_differences(problem):
    params, x, h0, _ = problem
    rng = np.random.default_rng(1)
    dh_t = rng.normal(size=(4, 5))
    x_t = x[:, 0].copy()

    def loss():
        return float(np.sum(rnn_np.step_forward(x_t, h0, params)[0] * dh_t))

    _, cache = rnn_np.step_forward(x_t, h0, params)
    dx_t, dh_prev, grads = rnn_np.step_backward(dh_t, cache, params)
    assert relative_error(dx_t, numerical_gradient(loss, x_t)) < 1e-7
    assert relative_error(dh_prev, numerical_gradient(loss, h0)) < 1e-7
    for name in rnn_np.PARAM_NAMES:
        assert relative_error(grads[name],
                              numerical_gradient(loss, params[name])) < 1e-7


def test_gradient_norms_vanish_for_small_recurrent_weights(problem):
    params, x, h0, _ = problem
    params = dict(params, W_hh=0.4 * params["W_hh"]
                  / np.linalg.norm(params["W_hh"], 2))
    _, caches = rnn_np.forward(x, params, h0)
    norms = rnn_np.gradient_norms_through_time(caches, params)
    assert norms[-1] == pytest.approx(1.0)
    assert np.all(norms[:-1] <= 0.4 * norms[1:] + 1e-15)  # |tanh'| <= 1


def test_init_params_defaults_and_ranges():
    params = rnn_np.init_params(np.random.default_rng(3), 2, 6)
    again = rnn_np.init_params(np.random.default_rng(3), 2, 6, scale=0.5)
    fan = np.sqrt(2 + 6)
    for name in rnn_np.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], again[name])
        # uniform in [-0.5, 0.5] / sqrt(fan-in): both signs, near the edges
        assert np.abs(params[name]).max() <= 0.5 / fan
        assert params[name].min() < -0.2 / fan and params[name].max() > 0.2 / fan


def test_squared_error_loss_by_hand():
    loss, diff = rnn_np.squared_error_loss(np.array([[1.0, 2.0]]),
                                           np.array([[3.0, -1.0]]))
    assert loss == 0.5 * ((1 - 3) ** 2 + (2 + 1) ** 2)
    np.testing.assert_array_equal(diff, [[-2.0, 3.0]])


def test_gradient_norms_reach_step_zero_from_any_loss_step(problem):
    params, x, h0, _ = problem
    _, caches = rnn_np.forward(x, params, h0)
    steps = len(caches)
    default = rnn_np.gradient_norms_through_time(caches, params)
    np.testing.assert_array_equal(
        default, rnn_np.gradient_norms_through_time(caches, params,
                                                    t_loss=steps - 1))
    assert len(default) == steps and default[-1] == pytest.approx(1.0)
    early = rnn_np.gradient_norms_through_time(caches, params, t_loss=2)
    assert len(early) == 3 and early[2] == pytest.approx(1.0)
    # The norm at step 0 is what is left after two steps back from step 2.
    carry = np.ones_like(caches[2]["h_t"])
    carry /= np.linalg.norm(carry, axis=1, keepdims=True)
    for t in (2, 1):
        _, carry, _ = rnn_np.step_backward(carry, caches[t], params)
    assert early[0] == pytest.approx(np.linalg.norm(carry, axis=1).mean())
