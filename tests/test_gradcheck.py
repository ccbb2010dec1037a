import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_cubic_is_central():
    x = np.array([[0.5, 1.0], [1.5, 2.0]])
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[0.5, 1.0], [1.5, 2.0]])  # restored


@pytest.mark.parametrize("x, got", [
    (np.ones(3, dtype=np.float32), "ndarray float32"),
    ([1.0, 2.0], "list "),
])
def test_numerical_gradient_refuses_what_it_cannot_perturb(x, got):
    with pytest.raises(TypeError) as error:
        numerical_gradient(lambda: 0.0, x)
    assert str(error.value) == ("x must be a float64 NumPy array that f "
                                f"reads, got {got}")


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.ones(2), -np.ones(2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.ones(2), np.ones(3))


def test_relative_error_computes_in_float64():
    """Unsigned or low-precision inputs: 0 - 1 must not wrap around."""
    a, b = np.array([0], np.uint8), np.array([1], np.uint8)
    assert relative_error(a, b) == 1.0 and relative_error(b, a) == 1.0
    assert relative_error(np.float16([1.0]), np.float16([1.0009765625])) == \
        pytest.approx(0.0009765625 / 2.0009765625, rel=1e-12)
