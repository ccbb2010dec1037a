"""Greff et al.'s variants: each against a NumPy step written from its
definition, the 1997 cell as NFG with the 1997 squashings, every variant
through the Keras contract."""

import keras
import numpy as np
import pytest

from lstm_course.cells import VARIANTS, LSTM1997Cell, LSTMCell, LSTMVariantCell
from lstm_course.cells.lstm1997 import squash_g, squash_h
from tests.cells.test_lstm import _np_sigmoid, _random_weights, built, data
from tests.helpers import check_cell_contract, gradients, precise, tensor


@pytest.mark.parametrize("truncated", [True, False])
def test_without_forget_gate_and_with_the_1997_squashing_it_is_the_1997_cell(
        truncated):
    x, y = data(units=3)
    old = LSTM1997Cell(3, truncated=truncated, weight_range=0.5,
                       dtype="float64")
    new = LSTMVariantCell(3, variant="NFG", truncated=truncated,
                          activation=squash_g, output_activation=squash_h,
                          dtype="float64")
    layers = [built(keras.layers.RNN(cell, return_sequences=True,
                                     dtype="float64")) for cell in (old, new)]
    new.set_weights(old.get_weights())  # both packed [i, c, o]
    outs = [keras.ops.convert_to_numpy(layer(x)) for layer in layers]
    np.testing.assert_allclose(outs[0], outs[1], atol=1e-12)
    grads = [gradients(lambda layer=layer: (layer(x) - tensor(y)) ** 2,
                       layer.cell.trainable_weights) for layer in layers]
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_cifg_couples_the_forget_gate_to_the_input_gate():
    cell = LSTMVariantCell(2, variant="CIFG")
    layer = built(keras.layers.RNN(cell, return_state=True), 1, 1)
    cell.set_weights([np.zeros((1, 6)), np.zeros((2, 6)),
                      np.array([2.0, 2.0, 0.5, 0.5, 0.0, 0.0])])
    c0 = np.full((1, 2), 3.0, "float32")
    _, _, c = layer(np.zeros((1, 1, 1), "float32"),
                    initial_state=[np.zeros((1, 2), "float32"), c0])
    i = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(c),
                               (1 - i) * 3.0 + i * np.tanh(0.5), rtol=1e-6)


WEIGHTS = {"vanilla": 6, "NIG": 5, "NFG": 5, "NOG": 5, "NIAF": 6, "NOAF": 6,
           "NP": 3, "CIFG": 5, "FGR": 7}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_builds_trains_and_round_trips(variant, tmp_path):
    check_cell_contract(
        lambda: LSTMVariantCell(4, variant=variant, peepholes=True),
        tmp_path, expected_weights=WEIGHTS[variant])


def test_noaf_emits_the_state_through_the_output_gate_alone():
    """NOAF: y = o * c, no squashing of the state on the way out."""
    cell = LSTMVariantCell(3, variant="NOAF")
    layer = built(keras.layers.RNN(cell), 1, 2)
    kernel, recurrent, bias = _random_weights(cell, 1)
    x = np.random.default_rng(2).normal(size=(4, 1, 2)).astype("float32")
    h0 = np.full((4, 3), 0.3, "float32")
    c0 = np.full((4, 3), 2.5, "float32")  # tanh(c) would differ clearly
    got = keras.ops.convert_to_numpy(layer(x, initial_state=[h0, c0]))
    z = x[:, 0] @ kernel + h0 @ recurrent + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    c = _np_sigmoid(f) * c0 + _np_sigmoid(i) * np.tanh(g)
    np.testing.assert_allclose(got, _np_sigmoid(o) * c, rtol=1e-5)


def test_fgr_gates_see_the_previous_steps_gates():
    """FGR: net_g(t) gains [i, f, o](t-1) @ gate_recurrent_kernel."""
    cell = LSTMVariantCell(2, variant="FGR")
    layer = built(keras.layers.RNN(cell), 2, 1)
    kernel, recurrent, bias, gate_recurrent = _random_weights(cell, 3)
    x = np.random.default_rng(4).normal(size=(3, 2, 1)).astype("float32")
    got = keras.ops.convert_to_numpy(layer(x))
    h = c = np.zeros((3, 2))
    gates = np.zeros((3, 6))
    for t in range(2):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        extra = np.split(gates @ gate_recurrent, 3, axis=-1)
        i, f, o = (_np_sigmoid(n + e) for n, e in zip((i, f, o), extra))
        c = f * c + i * np.tanh(g)
        h = o * np.tanh(c)
        gates = np.concatenate([i, f, o], axis=-1)
    np.testing.assert_allclose(got, h, rtol=1e-5)


def _np_variant_step(variant, x, h, c, weights, gates_tm1):
    """One step of a variant, from Greff et al.'s definitions: the vanilla
    equations with the variant's one change."""
    named = dict(zip(("kernel", "recurrent", "bias"), weights[:3]))
    present = [g for g in "ifco" if g != {"NIG": "i", "NFG": "f", "NOG": "o",
                                          "CIFG": "f"}.get(variant)]
    peep = {} if variant == "NP" else dict(
        zip([g for g in "ifo" if g in present], weights[3:]))
    z = x @ named["kernel"] + h @ named["recurrent"] + named["bias"]
    nets = dict(zip(present, np.split(z, len(present), axis=-1)))
    if variant == "FGR":
        for gate, extra in zip("ifo", np.split(gates_tm1 @ weights[-1], 3,
                                                axis=-1)):
            nets[gate] = nets[gate] + extra
    i = _np_sigmoid(nets["i"] + peep.get("i", 0) * c) if "i" in nets else 1
    f = 1 - i if variant == "CIFG" else (
        _np_sigmoid(nets["f"] + peep.get("f", 0) * c) if "f" in nets else 1)
    g = nets["c"] if variant == "NIAF" else np.tanh(nets["c"])
    c = f * c + i * g
    o = _np_sigmoid(nets["o"] + peep.get("o", 0) * c) if "o" in nets else 1
    h = o * (c if variant == "NOAF" else np.tanh(c))
    ones = np.ones_like(c)
    return h, c, np.concatenate([i * ones, f * ones, o * ones], axis=-1)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_computes_its_definition(variant):
    cell = LSTMVariantCell(3, variant=variant, peepholes=True)
    layer = built(keras.layers.RNN(cell, return_sequences=True), 4, 2)
    weights = _random_weights(cell, 8)
    x = np.random.default_rng(9).normal(size=(2, 4, 2)).astype("float32")
    h, c, gates = np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 9))
    expected = []
    for t in range(4):
        h, c, gates = _np_variant_step(variant, x[:, t], h, c, weights, gates)
        expected.append(h)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)),
                               np.stack(expected, axis=1), rtol=1e-5,
                               atol=1e-6)


def test_vanilla_is_lstm_cell():
    x, y = data(units=3)
    cells = (LSTMCell(3, peepholes=True), LSTMVariantCell(3, peepholes=True))
    layers = [built(keras.layers.RNN(cell, return_sequences=True))
              for cell in cells]
    cells[1].set_weights(_random_weights(cells[0], 10))
    outs = [keras.ops.convert_to_numpy(layer(x)) for layer in layers]
    np.testing.assert_array_equal(outs[0], outs[1])


@pytest.mark.parametrize("variant", ["NIAF", "NOAF"])
def test_the_removed_activation_keeps_the_asked_one_in_its_config(variant):
    cell = LSTMVariantCell(3, variant=variant, activation="sigmoid",
                           output_activation="relu")
    config = cell.get_config()
    assert (config["activation"], config["output_activation"]) == (
        "sigmoid", "relu")
    again = LSTMVariantCell.from_config(config)
    assert again.get_config() == config
    assert (again.activation, again.output_activation) == (
        (keras.activations.linear, keras.activations.relu)
        if variant == "NIAF" else
        (keras.activations.sigmoid, keras.activations.linear))


def test_unknown_variant():
    with pytest.raises(ValueError, match="unknown variant 'GRU'; valid "
                       "variants: vanilla, NIG, NFG, NOG, NIAF, NOAF, NP, "
                       "CIFG, FGR$"):
        LSTMVariantCell(3, variant="GRU")


def test_the_cifg_reference_step_equals_the_cifg_cell():
    from lstm_course.reference import lstm_np

    rng = np.random.default_rng(11)
    params = lstm_np.init_params(rng, 2, 3, scale=1.0)
    dtype, atol = precise(1e-12, 1e-5)
    cell = LSTMVariantCell(3, variant="CIFG", dtype=dtype)
    layer = built(keras.layers.RNN(cell, return_state=True, dtype=dtype),
                  1, 2)
    cell.set_weights([np.concatenate([params[kind + g] for g in "ico"], -1)
                      for kind in ("W_x", "W_h", "b_")])
    x, h0, c0 = (rng.normal(size=shape) for shape in ((4, 2), (4, 3), (4, 3)))
    h, _, c = layer(x[:, None].astype(dtype),
                    initial_state=[h0.astype(dtype), c0.astype(dtype)])
    want_h, want_c = lstm_np.cifg_step_forward(x, h0, c0, params)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(h), want_h,
                               atol=atol)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(c), want_c,
                               atol=atol)


def test_peepholes_and_the_gate_recurrence_start_at_zero():
    keras.utils.set_random_seed(4)
    cell = LSTMVariantCell(3, variant="FGR", peepholes=True)
    cell.build((None, 2))
    for weight in cell.weights[3:]:  # peephole_i, _f, _o, gate_recurrent
        assert np.all(keras.ops.convert_to_numpy(weight) == 0), weight.name
    plain = LSTMCell(3, peepholes=True)
    plain.build((None, 2))
    for weight in plain.weights[3:]:
        assert np.all(keras.ops.convert_to_numpy(weight) == 0), weight.name
