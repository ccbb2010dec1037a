import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient
from lstm_course.reference import one_unit_np


@pytest.mark.parametrize("w, b", [(2.0, -1.0), (6.0, -3.3), (-1.0, 0.5)])
def test_bptt_gradient_matches_central_differences(w, b):
    params = np.array([w, b])

    def loss():
        return float(one_unit_np.loss(params[0], params[1]))

    _, grad_w, grad_b = one_unit_np.loss_and_gradient(w, b)
    numeric = numerical_gradient(loss, params, eps=1e-7)
    np.testing.assert_allclose([grad_w, grad_b], numeric, rtol=1e-5)


def test_functions_broadcast_over_grids():
    w, b = np.meshgrid(np.linspace(0, 8, 5), np.linspace(-5, 1, 4))
    loss, grad_w, grad_b = one_unit_np.loss_and_gradient(w, b)
    assert loss.shape == grad_w.shape == grad_b.shape == (4, 5)
    np.testing.assert_allclose(loss, one_unit_np.loss(w, b))
    assert one_unit_np.forward(w, b).shape == (4, 5, one_unit_np.STEPS + 1)
    assert one_unit_np.forward(w, b)[0, 0, 0] == one_unit_np.X0


def test_the_loss_has_a_cliff_with_a_huge_gradient():
    w = np.linspace(5.0, 8.0, 30001)
    loss, grad_w, grad_b = one_unit_np.loss_and_gradient(w, -3.0)
    drop = loss[:-500] - loss[500:]  # over windows of dw = 0.05
    assert drop.max() > 20.0
    norms = np.hypot(grad_w, grad_b)
    assert norms.max() > 100 * np.median(norms)


@pytest.mark.parametrize("steps", [0, 2.5, True])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        one_unit_np.forward(1.0, 0.0, steps=steps)


def test_one_step_from_a_given_start_in_float64():
    """x_1 = w sigma(x_0) + b, computed in float64 from float32 inputs."""
    w, b, x0 = np.float32(1.3), np.float32(0.1), np.float32(0.7)
    x = one_unit_np.forward(w, b, steps=1, x0=x0)
    w64, b64, x64 = float(w), float(b), float(x0)  # the same values, float64
    expected = w64 / (1 + np.exp(-x64)) + b64
    assert x.dtype == np.float64
    np.testing.assert_allclose(x, [x64, expected], rtol=1e-15, atol=0)
    np.testing.assert_allclose(
        one_unit_np.loss(w, b, target=2.0, steps=1, x0=x0),
        (expected - 2.0) ** 2, rtol=1e-14)
    loss, grad_w, grad_b = one_unit_np.loss_and_gradient(
        w, b, target=2.0, steps=1, x0=x0)
    s = 1 / (1 + np.exp(-x64))
    np.testing.assert_allclose([loss, grad_w, grad_b],
                               [(expected - 2.0) ** 2,
                                2 * (expected - 2.0) * s,
                                2 * (expected - 2.0)], rtol=1e-14)


def test_the_gradient_of_two_steps_uses_w_in_float64():
    w, b = np.float32(1.3), np.float32(0.1)
    _, grad_w, grad_b = one_unit_np.loss_and_gradient(w, b, target=0.0,
                                                       steps=2, x0=0.0)
    w64, b64 = float(w), float(b)
    x1 = w64 * 0.5 + b64
    s1 = 1 / (1 + np.exp(-x1))
    x2 = w64 * s1 + b64
    delta2 = 2 * x2
    delta1 = delta2 * w64 * s1 * (1 - s1)
    np.testing.assert_allclose([grad_w, grad_b],
                               [delta2 * s1 + delta1 * 0.5, delta2 + delta1],
                               rtol=1e-14)
