"""A two-state cell run over a sequence: the unrolled states by hand for a
linear toy cell, and BPTT against finite differences of the unrolled
LSTM reference."""

import numpy as np

from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.reference import lstm_np, through_time


def toy_step(x_t, h, c, params):
    """h_t = a h_{t-1} + x_t, c_t = c_{t-1} + h_t."""
    h_t = params["a"] * h + x_t
    c_t = c + h_t
    return h_t, c_t, {"x_t": x_t}


def test_unroll_stacks_each_step_in_order_from_the_given_start():
    x = np.arange(6.0).reshape(1, 3, 2)
    h, c, caches = through_time.unroll(toy_step, x, np.ones((1, 2)),
                                       np.full((1, 2), 10.0), {"a": 2.0})
    # h_1 = 2 + x_1, h_2 = 2 h_1 + x_2, h_3 = 2 h_2 + x_3; c adds them up.
    np.testing.assert_array_equal(h, [[[2, 3], [6, 9], [16, 23]]])
    np.testing.assert_array_equal(c, [[[12, 13], [18, 22], [34, 45]]])
    assert [cache["x_t"].tolist() for cache in caches] == [
        [[0, 1]], [[2, 3]], [[4, 5]]]


def test_backpropagate_equals_finite_differences_of_the_unrolled_lstm():
    rng = np.random.default_rng(3)
    batch, steps, inputs, units = 2, 4, 3, 2
    params = lstm_np.init_params(rng, inputs, units)
    x = rng.normal(size=(batch, steps, inputs))
    h0, c0 = rng.normal(size=(2, batch, units))
    dh = rng.normal(size=(batch, steps, units))  # L = sum(dh * h)

    def loss():
        h, _, _ = through_time.unroll(lstm_np.step_forward, x, h0, c0,
                                      params)
        return float(np.sum(dh * h))

    _, _, caches = through_time.unroll(lstm_np.step_forward, x, h0, c0,
                                       params)
    dx, dh0, dc0, grads = through_time.backpropagate(
        lstm_np.step_backward, dh, caches, params)
    assert sorted(grads) == sorted(params)
    for name, analytic, value in [("x", dx, x), ("h0", dh0, h0),
                                  ("c0", dc0, c0),
                                  *((n, grads[n], params[n]) for n in params)]:
        assert analytic.shape == value.shape, name
        assert relative_error(analytic, numerical_gradient(loss, value)) \
            < 1e-7, name
