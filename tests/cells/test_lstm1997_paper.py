"""The paper's networks: each row of Table 10 built in Keras has exactly the
paper's number of weights; the Keras cell equals the NumPy reference; its
truncated gradient equals the paper's RTRL computation (appendix A.1), and
the full one equals finite differences of the reference."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lstm_course.autodiff import variable_gradients
from lstm_course.cells.lstm1997_paper import LSTM1997PaperCell
from lstm_course.reference import lstm1997_paper_np as ref
from lstm_course.reproduce.networks import NETWORKS, build_network

# (row, size, the paper's W: Table 10, column W)
TABLE_10 = [("1 (4x1)", None, 264), ("1 (3x2)", None, 276),
            ("2a", 100, 10_504), ("2b", 100, 10_504),
            ("2c", 50, 364), ("2c", 100, 664), ("2c", 200, 1_264),
            ("2c", 500, 3_064), ("2c", 1000, 6_064),
            ("3a", None, 102), ("3b", None, 102), ("3c", None, 102),
            ("4", None, 93), ("5", None, 93), ("6a", None, 156),
            ("6b", None, 308)]


@pytest.mark.parametrize("row, size, paper", TABLE_10)
def test_weight_count_equals_table_10(row, size, paper):
    network = NETWORKS[row]
    assert network.weights(size) == paper
    model = build_network(network, size, symbols=False)
    assert model.count_params() == paper


def model_weights(model, network):
    """The model's weights as the reference's dict."""
    names = ["kernel"]
    if network.connectivity == "full":
        names.append("recurrent_kernel")
    if network.biases != "none":
        names.append("gate_bias")
    if network.biases == "hidden":
        names.append("cell_bias")
    names.append("output_kernel")
    if network.output_bias:
        names.append("output_bias")
    values = [np.asarray(keras.ops.convert_to_numpy(w), np.float64)
              for w in model.trainable_weights]
    assert len(values) == len(names)
    return dict(zip(names, values))


# Small sizes of every kind of wiring: F with gate biases only, B without
# recurrence or output gate, F without biases, F with hidden and output
# biases, 2 cells per block.
ROWS = [("1 (3x2)", None), ("2a", 4), ("2c", 5), ("3a", None), ("4", None),
        ("6b", None)]


def problem(network, size, seed, steps=7, batch=3):
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    model = build_network(network, size, symbols=False)
    # Weights drawn larger than the paper's so that every path matters.
    model.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                       for w in model.get_weights()])
    x = rng.normal(size=(batch, steps, network.inputs(size)))
    targets = rng.uniform(size=(batch, steps, network.outputs(size)))
    mask = rng.uniform(size=(batch, steps)) < 0.6
    mask[:, -1] = True
    return model, x, targets, mask


@pytest.mark.parametrize("row, size", ROWS)
def test_the_keras_network_equals_the_reference(row, size):
    network = NETWORKS[row]
    model, x, _, _ = problem(network, size, seed=1)
    expected, _ = ref.forward(x, model_weights(model, network), network)
    got = keras.ops.convert_to_numpy(model(x.astype("float32")))
    np.testing.assert_allclose(got, expected, atol=2e-6)


def half_squared_error(model, x, targets, mask):
    x, targets, mask = (keras.ops.convert_to_tensor(np.asarray(a, "float32"))
                        for a in (x, targets, mask))
    return lambda: 0.5 * keras.ops.sum(
        keras.ops.square(targets - model(x)) * mask[..., None])


@pytest.mark.parametrize("row, size", ROWS)
def test_the_truncated_gradient_is_the_papers_rtrl(row, size):
    network = NETWORKS[row]
    model, x, targets, mask = problem(network, size, seed=2)
    weights = model_weights(model, network)
    got = variable_gradients(half_squared_error(model, x, targets, mask),
                             model.trainable_weights)
    expected = ref.rtrl_gradient(x, targets, mask, weights, network)
    assert list(expected) == list(weights)
    for name, grad in zip(weights, got):
        np.testing.assert_allclose(grad, expected[name], rtol=2e-4,
                                   atol=2e-5, err_msg=name)


def test_truncation_matters_where_gates_feed_back():
    network = NETWORKS["4"]
    model, x, targets, mask = problem(network, None, seed=3)
    truncated = variable_gradients(half_squared_error(model, x, targets,
                                                      mask),
                                   model.trainable_weights)
    model.layers[1].cell.truncated = False
    full = variable_gradients(half_squared_error(model, x, targets, mask),
                              model.trainable_weights)
    assert np.abs(truncated[0] - full[0]).max() > 1e-3


def test_the_rtrl_reference_against_finite_differences_without_recurrence():
    # With layered wiring nothing is truncated, so RTRL is the exact
    # gradient: finite differences of the reference's error check it.
    network = NETWORKS["2a"]
    model, x, targets, mask = problem(network, 4, seed=4)
    weights = model_weights(model, network)
    grads = ref.rtrl_gradient(x, targets, mask, weights, network)

    def error(w):
        out, _ = ref.forward(x, w, network)
        return 0.5 * np.sum(mask[..., None] * (targets - out) ** 2)

    eps = 1e-6
    for name, value in weights.items():
        for index in list(np.ndindex(value.shape))[:12]:
            up = {k: v.copy() for k, v in weights.items()}
            down = {k: v.copy() for k, v in weights.items()}
            up[name][index] += eps
            down[name][index] -= eps
            numeric = (error(up) - error(down)) / (2 * eps)
            assert abs(numeric - grads[name][index]) < 1e-6 * max(
                1, abs(numeric)), (name, index)


@pytest.mark.parametrize("kwargs, message", [
    ({"connectivity": "mesh"}, "connectivity must be one of"),
    ({"biases": "all"}, "biases must be one of"),
    ({"biases": "none", "input_gate_bias": -1}, "without bias weights"),
    ({"output_gates": False, "output_gate_bias": -1}, "without output"),
    ({"input_gate_bias": [1, 2, 3]}, "a list of 2 numbers"),
])
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LSTM1997PaperCell(2, **kwargs)


def test_gate_biases_start_where_the_paper_starts_them():
    model = build_network(NETWORKS["6b"], symbols=False)
    cell = model.layers[1].cell
    biases = keras.ops.convert_to_numpy(cell.gate_bias)
    np.testing.assert_array_equal(biases[:3], [-2, -4, -6])
    assert np.all(np.abs(biases[3:]) <= 0.1)  # output gates: random


def test_a_model_round_trips_through_keras_files(tmp_path):
    model = build_network(NETWORKS["2c"], 5)
    symbols = np.random.default_rng(0).integers(-1, 9, (2, 6))
    path = tmp_path / "net.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(again(symbols)),
                                  keras.ops.convert_to_numpy(model(symbols)))


def test_a_recurrent_network_without_output_gates_and_a_single_step():
    """Outside the paper's rows: a fully connected hidden layer whose
    blocks have no output gate (the gates fed back are the input gates
    only), and sequences of one step."""
    import dataclasses

    network = dataclasses.replace(NETWORKS["2c"], name="no output gates",
                                  output_gates=False, output_gate_bias=None)
    for steps in (4, 1):
        rng = np.random.default_rng(steps)
        model = build_network(network, 5, symbols=False)
        model.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                           for w in model.get_weights()])
        x = rng.normal(size=(3, steps, network.inputs(5)))
        expected, _ = ref.forward(x, model_weights(model, network), network)
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(model(x.astype("float32"))),
            expected, atol=2e-6)
        targets = rng.uniform(size=(3, steps, network.outputs(5)))
        mask = np.ones((3, steps), bool)
        weights = model_weights(model, network)
        got = variable_gradients(half_squared_error(model, x, targets, mask),
                                 model.trainable_weights)
        want = ref.rtrl_gradient(x, targets, mask, weights, network)
        for name, grad in zip(weights, got):
            np.testing.assert_allclose(grad, want[name], rtol=2e-4,
                                       atol=1e-6)
