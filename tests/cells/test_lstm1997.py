"""LSTM1997Cell against the NumPy reference: outputs, the three truncated
gradients (reference BPTT, online RTRL, Keras autodiff), full BPTT, block
sharing, initialisation options, the Keras contract and bad arguments."""

import keras
import numpy as np
import pytest

from lstm_course import diagnostics
from lstm_course.cells import LSTM1997Cell
from lstm_course.gradcheck import relative_error
from lstm_course.reference import lstm1997_np as L
from tests.helpers import (
    NO_FLOAT64,
    check_cell_contract,
    gradients,
    precise,
    tensor,
)


def layer_and_problem(truncated=True, blocks=2, k=3, dtype="float64", seed=0):
    rng = np.random.default_rng(seed)
    params = L.init_params(rng, 3, blocks, k, weight_range=0.5)
    cell = LSTM1997Cell(blocks, cells_per_block=k, truncated=truncated,
                        dtype=dtype)
    layer = keras.layers.RNN(cell, return_sequences=True, dtype=dtype)
    layer.build((None, 7, 3))
    cell.set_weights(L.keras_weights(params))
    x = rng.normal(size=(4, 7, 3))
    targets = rng.normal(size=(4, 7, blocks * k))
    return cell, layer, params, x, targets


def keras_gradients(layer, cell, x, targets):
    dtype = cell.compute_dtype

    def loss():
        out = layer(x.astype(dtype))
        return 0.5 * keras.ops.sum(
            (out - tensor(targets.astype(dtype))) ** 2)

    return dict(zip(("kernel", "recurrent_kernel", "bias"),
                    gradients(loss, cell.trainable_weights)))


def packed(grads):
    return dict(zip(("kernel", "recurrent_kernel", "bias"),
                    L.keras_weights(grads)))


@pytest.mark.parametrize("dtype, atol", [
    pytest.param("float64", 1e-12, marks=NO_FLOAT64),
    ("float32", 1e-5)])
def test_outputs_equal_the_reference(dtype, atol):
    _, layer, params, x, _ = layer_and_problem(dtype=dtype)
    h, _, _ = L.forward(x, params)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x.astype(dtype))), h, atol=atol)


@pytest.mark.parametrize("blocks, k", [(1, 1), (2, 3)])
def test_three_truncated_gradients_agree(blocks, k):
    cell, layer, params, x, targets = layer_and_problem(blocks=blocks, k=k)
    h, _, caches = L.forward(x, params)
    _, _, _, bptt = L.bptt(h - targets, caches, params, truncated=True)
    rtrl = L.rtrl_gradients(x, h - targets, params)
    autodiff = keras_gradients(layer, cell, x, targets)
    for name, value in autodiff.items():
        assert relative_error(value, packed(bptt)[name]) < 1e-6, name
        assert relative_error(value, packed(rtrl)[name]) < 1e-6, name


def test_full_bptt_gradient_equals_the_reference():
    cell, layer, params, x, targets = layer_and_problem(truncated=False)
    h, _, caches = L.forward(x, params)
    _, _, _, full = L.bptt(h - targets, caches, params, truncated=False)
    for name, value in keras_gradients(layer, cell, x, targets).items():
        assert relative_error(value, packed(full)[name]) < 1e-6, name


def test_truncation_leaves_only_the_cec_as_a_path_back():
    cell, _, _, x, _ = layer_and_problem(dtype="float32")
    jacobian = diagnostics.cell_state_jacobian(cell, x[:, :5])
    c = cell.units  # states [h, s]: rows are d(h_T, s_T), columns h_0, s_0
    np.testing.assert_array_equal(jacobian[:, :, :c], 0.0)
    np.testing.assert_allclose(jacobian[:, c:, c:],
                               np.broadcast_to(np.eye(c), (4, c, c)),
                               atol=1e-6)
    full = LSTM1997Cell(2, cells_per_block=3, truncated=False)
    full.build((None, 3))
    full.set_weights(cell.get_weights())
    assert np.abs(diagnostics.cell_state_jacobian(full, x[:, :5])
                  [:, :, :c]).max() > 1e-4


def test_cells_of_a_block_see_the_same_gate_values():
    cell, layer, params, x, _ = layer_and_problem(blocks=2, k=3)
    for name in ("W_xc", "W_hc", "b_c"):  # equal cell-input weights per block
        params[name] = np.repeat(params[name][..., ::3], 3, axis=-1)
    cell.set_weights(L.keras_weights(params))
    h = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(h[..., 0:3], h[..., 0:1].repeat(3, -1),
                               atol=1e-14)
    np.testing.assert_allclose(h[..., 3:6], h[..., 3:4].repeat(3, -1),
                               atol=1e-14)
    assert not np.allclose(h[..., 0], h[..., 3])


def test_params_from_keras_inverts_keras_weights_in_float64():
    cell, _, params, _, _ = layer_and_problem(dtype="float32")
    back = L.params_from_keras(cell.get_weights())
    assert back.keys() == params.keys()
    for name, value in back.items():
        assert value.dtype == np.float64
        np.testing.assert_array_equal(value, params[name].astype(np.float32))


def test_the_packed_columns_are_input_gates_cell_inputs_output_gates():
    # 2 blocks of 3 cells: columns 0-1 input gates, 2-7 cell inputs, 8-9
    # output gates.
    kernel = np.arange(10.0)[None]
    params = L.params_from_keras([kernel, np.zeros((6, 10)), np.arange(10.0)])
    np.testing.assert_array_equal(params["W_xi"], [[0, 1]])
    np.testing.assert_array_equal(params["W_xc"], [[2, 3, 4, 5, 6, 7]])
    np.testing.assert_array_equal(params["W_xo"], [[8, 9]])
    np.testing.assert_array_equal(params["b_o"], [8, 9])
    assert params["W_hc"].shape == (6, 6)


def test_initialisation_options():
    keras.utils.set_random_seed(0)
    cell = LSTM1997Cell(2, cells_per_block=2, weight_range=0.2,
                        input_gate_bias=[-3, -6], output_gate_bias=-1)
    cell.build((None, 5))
    params = L.params_from_keras(cell.get_weights())
    np.testing.assert_allclose(params["b_i"], [-3, -6])
    np.testing.assert_allclose(params["b_o"], [-1, -1])
    for name in ("W_xi", "W_hi", "W_xc", "W_hc", "W_xo", "W_ho", "b_c"):
        assert np.abs(params[name]).max() <= 0.2, name
        assert np.abs(params[name]).max() > 0.05, name
    zeros = LSTM1997Cell(1, kernel_initializer="zeros")
    zeros.build((None, 2))
    assert np.all(L.params_from_keras(zeros.get_weights())["W_xc"] == 0)


def test_config_round_trip_keeps_the_options():
    cell = LSTM1997Cell(3, cells_per_block=2, truncated=False,
                        weight_range=0.2, input_gate_bias=[-1, -2, -3],
                        output_gate_bias=-2, recurrent_initializer="zeros")
    clone = LSTM1997Cell.from_config(cell.get_config())
    assert clone.get_config() == cell.get_config()
    assert clone.truncated is False and clone.output_gate_bias == [-2.0] * 3


def test_experiment_2a_squashing_logistic_g_and_identity_h():
    """s_t = s_{t-1} + i_t f(net_c), h_t = o_t s_t (the paper's 2a/2b)."""
    rng = np.random.default_rng(3)
    params = L.init_params(rng, 3, 2, 2, weight_range=0.5)
    dtype, atol = precise(1e-12, 1e-5)
    cell = LSTM1997Cell(2, cells_per_block=2, cell_input="logistic",
                        cell_output="identity", dtype=dtype)
    layer = keras.layers.RNN(cell, return_sequences=True, dtype=dtype)
    layer.build((None, 5, 3))
    cell.set_weights(L.keras_weights(params))
    x = rng.normal(size=(4, 5, 3))
    h, s = np.zeros((4, 4)), np.zeros((4, 4))
    expected = []
    for t in range(5):
        def net(gate):
            return x[:, t] @ params["W_x" + gate] + h @ params["W_h" + gate] \
                + params["b_" + gate]
        i = np.repeat(L.sigmoid(net("i")), 2, axis=1)
        o = np.repeat(L.sigmoid(net("o")), 2, axis=1)
        s = s + i * L.sigmoid(net("c"))
        h = o * s
        expected.append(h)
    got = keras.ops.convert_to_numpy(layer(x.astype(dtype)))
    np.testing.assert_allclose(got, np.stack(expected, 1), atol=atol)
    clone = LSTM1997Cell.from_config(cell.get_config())
    assert (clone.cell_input, clone.cell_output) == ("logistic", "identity")


@pytest.mark.parametrize("truncated", [True, False])
def test_keras_contract_and_keras_file_round_trip(truncated, tmp_path):
    check_cell_contract(lambda: LSTM1997Cell(2, cells_per_block=2,
                                             truncated=truncated,
                                             input_gate_bias=[-1, -2]),
                        tmp_path)


@pytest.mark.parametrize("kwargs, match", [
    ({"blocks": 0}, "blocks must be a positive integer"),
    ({"blocks": -2}, "blocks"),
    ({"blocks": 1.5}, "blocks"),
    ({"blocks": True}, "blocks"),
    ({"blocks": 2, "cells_per_block": 0}, "cells_per_block"),
    ({"blocks": 2, "weight_range": 0}, "weight_range"),
    ({"blocks": 2, "weight_range": "0.1"}, "weight_range"),
    ({"blocks": 2, "input_gate_bias": [-1, -2, -3]},
     "input_gate_bias must be a number or a list of 2"),
    ({"blocks": 2, "output_gate_bias": "low"}, "output_gate_bias"),
    ({"blocks": 2, "kernel_initializer": "paper-ish"},
     "kernel_initializer: unknown initializer 'paper-ish'"),
    ({"blocks": 2, "cell_input": "tanh"},
     "cell_input must be one of 'paper', 'logistic', got 'tanh'"),
    ({"blocks": 2, "cell_output": None}, "cell_output must be one of"),
])
def test_bad_arguments_are_refused_with_a_reason(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSTM1997Cell(**kwargs)


# Golden values: there is no Keras twin of the 1997 cell, so the cell and the
# NumPy reference are also held to numbers of their own. Constant weights,
# 2 blocks of 2 cells, x = arange / 10 (2 sequences of 3 steps, 4 inputs).
GOLDEN_PARAMS = {
    "W_xi": np.full((4, 2), 0.1), "W_hi": np.full((4, 2), -0.05),
    "b_i": np.array([-0.5, -1.0]),
    "W_xo": np.full((4, 2), 0.1), "W_ho": np.full((4, 2), -0.05),
    "b_o": np.array([-1.0, -2.0]),
    "W_xc": np.full((4, 4), 0.1), "W_hc": np.full((4, 4), -0.05),
    "b_c": np.array([0.2, -0.1, 0.1, 0.0])}
GOLDEN_X = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 10
GOLDEN_H_LAST = np.array([
    [0.09240398972, 0.028657270261, 0.025140451766, 0.017674866605],
    [0.27503737462, 0.203619706087, 0.106797533352, 0.095984565011]])
GOLDEN_S_LAST = np.array([
    [0.542400588984, 0.164579077319, 0.307593036327, 0.215391555448],
    [1.378633187883, 0.950376177492, 0.962405929591, 0.851892631914]])


def test_first_step_by_the_papers_equations():
    """Step 1 of sequence 0 written out (h and s start at 0): the golden
    values' first step, independent of both implementations."""
    def f(v):
        return 1 / (1 + np.exp(-v))

    net = 0.1 * GOLDEN_X[0, 0].sum()  # every weight from the inputs is 0.1
    y_in = np.repeat(f(net + GOLDEN_PARAMS["b_i"]), 2)
    y_out = np.repeat(f(net + GOLDEN_PARAMS["b_o"]), 2)
    s = y_in * (4 * f(net + GOLDEN_PARAMS["b_c"]) - 2)  # s(0) = 0
    h = y_out * (2 * f(s) - 1)
    reference, _, _ = L.step_forward(GOLDEN_X[0, :1], np.zeros((1, 4)),
                                     np.zeros((1, 4)), GOLDEN_PARAMS)
    np.testing.assert_allclose(reference[0], h, atol=1e-15)
    np.testing.assert_allclose(h, [0.014213029473, -0.002200465043,
                                   0.002817081687, 0.001058493201],
                               atol=1e-12)


@pytest.mark.parametrize("dtype, atol", [
    pytest.param("float64", 1e-11, marks=NO_FLOAT64), ("float32", 1e-6)])
def test_cell_and_reference_give_the_golden_values(dtype, atol):
    h, s, _ = L.forward(GOLDEN_X, GOLDEN_PARAMS)
    np.testing.assert_allclose(h[:, -1], GOLDEN_H_LAST, atol=1e-11)
    np.testing.assert_allclose(s[:, -1], GOLDEN_S_LAST, atol=1e-11)
    cell = LSTM1997Cell(2, cells_per_block=2, dtype=dtype)
    layer = keras.layers.RNN(cell, return_sequences=True, dtype=dtype)
    layer.build((None, 3, 4))
    cell.set_weights(L.keras_weights(GOLDEN_PARAMS))
    out = keras.ops.convert_to_numpy(layer(GOLDEN_X.astype(dtype)))
    np.testing.assert_allclose(out[:, -1], GOLDEN_H_LAST, atol=atol)


def test_the_reference_gradient_is_truncated_by_default():
    rng = np.random.default_rng(21)
    params = L.init_params(rng, 2, 2, 2, weight_range=0.5)
    x = rng.normal(size=(3, 5, 2))
    h, _, caches = L.forward(x, params)
    dh = rng.normal(size=h.shape)
    default = L.bptt(dh, caches, params)
    truncated = L.bptt(dh, caches, params, truncated=True)
    full = L.bptt(dh, caches, params, truncated=False)
    for name in params:
        np.testing.assert_array_equal(default[3][name], truncated[3][name])
    assert not np.allclose(default[3]["W_hc"], full[3]["W_hc"])
    step = L.step_backward(dh[:, -1], np.zeros((3, 4)), caches[-1], params)
    step_truncated = L.step_backward(dh[:, -1], np.zeros((3, 4)), caches[-1],
                                     params, truncated=True)
    for a, b in zip(step[:3], step_truncated[:3]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, message", [
    ({"blocks": 2, "cells_per_block": 0},
     "cells_per_block must be a positive integer, got 0"),
    ({"blocks": 2, "weight_range": float("inf")},
     "weight_range must be a number > 0, got inf"),
    ({"blocks": 2, "kernel_initializer": "no such"},
     "kernel_initializer: unknown initializer 'no such'; use a "
     "keras.initializers name or object, or None for uniform in "
     "[-weight_range, weight_range] ("),
])
def test_whole_refusal_messages(kwargs, message):
    with pytest.raises(ValueError) as error:
        LSTM1997Cell(**kwargs)
    assert str(error.value).startswith(message)


def test_output_gate_biases_take_the_last_columns_with_one_cell_a_block():
    cell = LSTM1997Cell(3, output_gate_bias=[-1, -2, -3])
    cell.build((None, 2))
    bias = L.params_from_keras(cell.get_weights())
    np.testing.assert_array_equal(bias["b_o"], [-1, -2, -3])
    assert np.abs(bias["b_i"]).max() <= 0.1  # still uniform


def test_the_bias_starts_uniform_in_the_weight_range():
    keras.utils.set_random_seed(2)
    cell = LSTM1997Cell(30, weight_range=0.2)
    cell.build((None, 2))
    bias = keras.ops.convert_to_numpy(cell.bias)
    assert np.abs(bias).max() <= 0.2
    assert bias.min() < -0.15 and bias.max() > 0.15


def test_initializers_given_by_name_survive_the_config():
    cell = LSTM1997Cell(2, kernel_initializer="zeros",
                        recurrent_initializer="ones")
    config = cell.get_config()
    clone = LSTM1997Cell.from_config(config)
    clone.build((None, 3))
    kernel, recurrent, _ = (keras.ops.convert_to_numpy(w)
                            for w in clone.weights)
    assert np.all(kernel == 0) and np.all(recurrent == 1)
    default = LSTM1997Cell(2).get_config()
    assert default["kernel_initializer"] is None
    assert default["recurrent_initializer"] is None
