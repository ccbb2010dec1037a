import keras
import numpy as np

from lstm_course import autodiff


def test_gradient_of_a_sum_of_squares():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(autodiff.gradient(lambda v: v * v, x), 2 * x)


def test_gradient_of_a_function_that_ignores_its_input_is_zero():
    x = np.ones((2, 3))
    zero = keras.ops.zeros((2,))
    np.testing.assert_array_equal(autodiff.gradient(lambda v: zero, x),
                                  np.zeros((2, 3)))


def test_batch_jacobian_of_a_row_wise_map():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4)).astype("float32")
    x = rng.normal(size=(5, 3)).astype("float32")
    got = autodiff.batch_jacobian(
        lambda v: keras.ops.tanh(keras.ops.matmul(v, a)), x)
    expected = (1 - np.tanh(x @ a) ** 2)[:, :, None] * a.T[None]
    assert got.shape == (5, 4, 3)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_batch_jacobian_passes_per_row_inputs_along():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    scale = np.array([[2.0], [-1.0]], "float32")
    got = autodiff.batch_jacobian(lambda v, s: keras.ops.multiply(v, s), x,
                                  scale)
    np.testing.assert_allclose(got, [2 * np.eye(2), -np.eye(2)])


def test_variable_gradients_of_a_dense_layer():
    layer = keras.layers.Dense(2)
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    layer.build((None, 3))
    unused = keras.Variable(np.ones(2, "float32"))
    grads = autodiff.variable_gradients(
        lambda: keras.ops.sum(layer(x) ** 2),
        [layer.kernel, layer.bias, unused])
    out = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(grads[0], x.T @ (2 * out), rtol=1e-6)
    np.testing.assert_allclose(grads[1], 2 * out[0], rtol=1e-6)
    np.testing.assert_array_equal(grads[2], np.zeros(2))
