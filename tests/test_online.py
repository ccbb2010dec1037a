"""The K-trial online trainer: each trial's outputs and gradient equal the
NumPy reference's for that trial alone (whose truncated RTRL gradient
equals the Keras cell's, tests/cells/test_lstm1997_paper.py), trials
trained together end where the same trials trained one at a time end,
and symbol inputs give what their one-hot vectors give."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.reference import lstm1997_paper_np as ref
from lstm_course.reproduce import online
from lstm_course.reproduce.networks import NETWORKS
from lstm_course.tasks.sequences import Sequences, one_hot

ROWS = [("1 (3x2)", None), ("2a", 4), ("2c", 5), ("3a", None), ("4", None),
        ("6b", None)]


def random_batch(network, size, trials, n=2, steps=6, seed=0,
                 symbols=False):
    rng = np.random.default_rng(seed)
    width, outputs = network.inputs(size), network.outputs(size)
    if symbols:
        inputs = rng.integers(0, width, (trials, n, steps))
        inputs[0, 0, steps - 2:] = -1  # padding after an end
    else:
        inputs = rng.normal(size=(trials, n, steps, width))
    targets = rng.uniform(size=(trials, n, steps, outputs))
    mask = rng.uniform(size=(trials, n, steps)) < 0.6
    return Sequences(inputs, targets, mask, np.full((trials, n), steps),
                     width if symbols else 0)


@pytest.mark.parametrize("row, size", ROWS)
def test_every_trial_equals_the_reference_alone(row, size):
    network = NETWORKS[row]
    weights = online.initial_weights(network, size, [1, 2, 3])
    batch = random_batch(network, size, 3)
    outputs, grads = online.run(network, weights, batch, learn=True)
    for trial in range(3):
        mine = {name: value[trial] for name, value in weights.items()}
        expected, _ = ref.forward(batch.inputs[trial], mine, network)
        np.testing.assert_allclose(outputs[trial], expected, atol=1e-12)
        expected = ref.rtrl_gradient(batch.inputs[trial],
                                     batch.targets[trial],
                                     batch.mask[trial], mine, network)
        assert set(expected) == set(grads)
        for name in expected:
            np.testing.assert_allclose(grads[name][trial], expected[name],
                                       atol=1e-12, err_msg=name)


@pytest.mark.parametrize("row, size", [("2a", 4), ("2c", 5),
                                        ("1 (3x2)", None)])
def test_symbols_give_what_their_one_hot_vectors_give(row, size):
    network = NETWORKS[row]
    weights = online.initial_weights(network, size, [4, 5, 6])
    batch = random_batch(network, size, 3, symbols=True, seed=1)
    dense = batch._replace(inputs=one_hot(batch.inputs, batch.symbols)
                           .astype(float), symbols=0)
    got = online.run(network, weights, batch, learn=True)
    expected = online.run(network, weights, dense, learn=True)
    np.testing.assert_allclose(got[0], expected[0], atol=1e-12)
    for name in expected[1]:
        np.testing.assert_allclose(got[1][name], expected[1][name],
                                   atol=1e-12, err_msg=name)


def test_trials_trained_together_equal_trials_trained_alone():
    network, size, seeds = NETWORKS["2c"], 5, [7, 8, 9]
    together = online.initial_weights(network, size, seeds)
    alone = [online.initial_weights(network, size, [seed]) for seed in seeds]
    active = np.array([True, True, False])  # the third trial has stopped
    for update in range(5):
        batch = random_batch(network, size, 3, n=1, seed=update,
                             symbols=True)
        _, grads = online.run(network, together, batch, learn=True)
        online.sgd_step(together, grads, 0.5, active)
        for trial in range(3):
            one = Sequences(*(a[trial:trial + 1] for a in batch[:4]),
                            batch.symbols)
            _, grads = online.run(network, alone[trial], one, learn=True)
            online.sgd_step(alone[trial], grads, 0.5, active[trial:trial + 1])
    start = online.initial_weights(network, size, seeds)
    for name in together:
        for trial in range(3):
            np.testing.assert_allclose(together[name][trial],
                                       alone[trial][name][0], atol=1e-6)
        np.testing.assert_array_equal(together[name][2], start[name][2])
        assert not np.allclose(together[name][0], start[name][0])


@pytest.mark.parametrize("row, size, paper", [("2c", 1000, 6_064),
                                              ("4", None, 93),
                                              ("1 (4x1)", None, 264)])
def test_the_trainers_weights_are_the_papers(row, size, paper):
    network = NETWORKS[row]
    assert online.count_weights(network, size) == paper
    model = online.to_keras(network, size,
                            online.initial_weights(network, size, [0, 1]), 1,
                            symbols=row != "4")
    assert model.count_params() == paper


def test_gate_biases_start_where_the_paper_says_and_the_rest_is_uniform():
    weights = online.initial_weights(NETWORKS["3a"], None, range(4))
    np.testing.assert_array_equal(weights["gate_bias"],
                                  [[-1, -3, -5, -2, -4, -6]] * 4)
    assert np.abs(weights["kernel"]).max() <= 0.1
    assert not np.allclose(weights["kernel"][0], weights["kernel"][1])


@pytest.mark.parametrize("row, size", ROWS)
@pytest.mark.parametrize("symbols", [False, True])
def test_the_compiled_trainer_gives_the_same_numbers(row, size, symbols):
    pytest.importorskip("jax")
    from lstm_course.reproduce import online_jax

    network = NETWORKS[row]
    if symbols and network.inputs(size) < 3:
        pytest.skip("real-valued inputs only")
    weights = online.initial_weights(network, size, [1, 2, 3])
    batch = random_batch(network, size, 3, symbols=symbols, seed=5)
    expected = online.run(network, weights, batch, learn=True)
    got = online_jax.run(network, weights, batch, learn=True)
    np.testing.assert_allclose(got[0], expected[0], atol=1e-10)
    assert set(got[1]) == set(expected[1])
    for name in expected[1]:
        np.testing.assert_allclose(got[1][name], expected[1][name],
                                   atol=1e-10, err_msg=name)


def test_without_gate_feedback_the_gradient_is_chapter_03s():
    """With the weights from the gates' activations set to 0, the paper's
    network is chapter 03's LSTM1997Cell; the trainer's gradient equals
    Keras' gradient of that cell with the paper's truncation."""
    import keras

    from lstm_course.autodiff import variable_gradients
    from lstm_course.cells import LSTM1997Cell

    network = NETWORKS["4"]  # 2 blocks x 2 cells, biases on every unit
    weights = online.initial_weights(network, None, [11])
    rng = np.random.default_rng(11)
    for name in weights:
        weights[name] = rng.uniform(-1, 1, weights[name].shape)
    cells = network.blocks * network.cells_per_block
    weights["recurrent_kernel"][:, cells:] = 0.0  # no gate feedback
    batch = random_batch(network, None, 1, n=3, steps=7, seed=12)
    _, grads = online.run(network, weights, batch, learn=True)

    blocks = network.blocks
    gate = weights["gate_bias"][0]
    bias = np.concatenate([gate[:blocks], weights["cell_bias"][0],
                           gate[blocks:]])
    inputs = keras.Input((None, 2))
    cell = LSTM1997Cell(blocks, cells_per_block=network.cells_per_block)
    hidden = keras.layers.RNN(cell, return_sequences=True)(inputs)
    dense = keras.layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, dense(hidden))
    model.set_weights([w.astype("float32") for w in (
        weights["kernel"][0], weights["recurrent_kernel"][0][:cells], bias,
        weights["output_kernel"][0], weights["output_bias"][0])])
    x, targets, mask = (keras.ops.convert_to_tensor(np.asarray(a, "float32"))
                        for a in (batch.inputs[0], batch.targets[0],
                                  batch.mask[0]))
    keras_grads = variable_gradients(
        lambda: 0.5 * keras.ops.sum(keras.ops.square(targets - model(x))
                                    * mask[..., None]),
        model.trainable_weights)
    gate_grad = grads["gate_bias"][0]
    expected = [grads["kernel"][0], grads["recurrent_kernel"][0][:cells],
                np.concatenate([gate_grad[:blocks], grads["cell_bias"][0],
                                gate_grad[blocks:]]),
                grads["output_kernel"][0], grads["output_bias"][0]]
    for got, want in zip(keras_grads, expected):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)
