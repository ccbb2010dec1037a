import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_cubic_is_central():
    x = np.array([[0.5, 1.0], [1.5, 2.0]])
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[0.5, 1.0], [1.5, 2.0]])  # restored


def test_numerical_gradient_refuses_float32():
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: float(x.sum()), x)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.ones(2), -np.ones(2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.ones(2), np.ones(3))
