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
