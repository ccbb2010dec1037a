"""Gers et al. (2000)'s CERG network and its online truncated RTRL: the
weight count, the starting biases, the gradient against finite differences
of the truncated error, and K trials together against each alone."""

import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient
from lstm_course.reproduce import online_forget
from lstm_course.reproduce.cerg_network import CERGNetwork, initial_weights

FORGET = CERGNetwork()
CELL_1997 = CERGNetwork(forget_gates=False)
STATE_DECAY = CERGNetwork(forget_gates=False, state_decay=0.9)


def test_gers_network_has_gers_424_weights():
    assert FORGET.weights() == 424
    weights = initial_weights(FORGET, [0])
    assert sum(w[0].size for w in weights.values()) == 424
    # The 1997 cell in the same wiring: no forget gates' 4 x 16 weights.
    assert CELL_1997.weights() == 424 - 4 * 16


def test_weights_start_in_the_interval_with_gers_gate_biases():
    weights = initial_weights(FORGET, [3, 4])
    bias = weights["gate_kernel"][:, -1]
    assert np.array_equal(bias[0], [-0.5, -1, -1.5, -2, 0.5, 1, 1.5, 2,
                                    -0.5, -1, -1.5, -2])
    others = [weights["gate_kernel"][:, :-1], weights["cell_kernel"],
              weights["output_kernel"]]
    assert all(np.abs(w).max() <= 0.2 for w in others)
    assert not np.array_equal(weights["cell_kernel"][0],
                              weights["cell_kernel"][1])
    with pytest.raises(ValueError, match="one start per block"):
        CERGNetwork(input_gate_bias=(-1.0,))


def test_state_decay_keeps_a_fixed_share_of_the_state():
    """Gers' "state decay (0.9)": with the gates' inputs silenced the
    state shrinks by 0.9 a step; the 1997 cell keeps it."""
    shapes = STATE_DECAY.shapes()
    weights = {n: np.zeros((1, *s)) for n, s in shapes.items()}
    for network, factor in ((STATE_DECAY, 0.9), (CELL_1997, 1.0)):
        state = online_forget.zero_state(network, 1)
        state["s"][:] = 1.0
        # zero weights: input gates at 1/2, g(0) = 0, nothing added
        online_forget.step(network, weights, state, [0], None, [0.0])
        np.testing.assert_allclose(state["s"], factor)
    assert STATE_DECAY.weights() == CELL_1997.weights()
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match=r"in \(0, 1\]"):
            CERGNetwork(forget_gates=False, state_decay=bad)
    with pytest.raises(ValueError, match="for the 1997 cell"):
        CERGNetwork(state_decay=0.9)


def _frozen_error(network, w, symbols, target, sources):
    """E at the last step with every step's y^c(t-1) held at ``sources``:
    the error whose exact gradient is the truncated one."""
    b, k, d = network.blocks, network.cells_per_block, network.inputs

    def sig(v):
        return 1 / (1 + np.exp(-v))

    s = np.zeros(network.cells)
    for t, symbol in enumerate(symbols):
        x = np.eye(d)[symbol]
        z = np.concatenate([x, sources[t]])
        gates = sig(np.append(z, 1) @ w["gate_kernel"])
        keep = np.repeat(gates[b:2 * b], k) if network.forget_gates \
            else network.state_decay
        s = keep * s + np.repeat(gates[:b], k) * (
            4 * sig(z @ w["cell_kernel"]) - 2)
        y_c = np.repeat(gates[-b:], k) * (2 * sig(s) - 1)
    y = sig(np.concatenate([x, y_c, [1.0]]) @ w["output_kernel"])
    return 0.5 * np.sum((y - target) ** 2)


@pytest.mark.parametrize("network", [FORGET, CELL_1997, STATE_DECAY],
                         ids=["forget gates", "1997 cell", "state decay"])
def test_a_steps_weight_change_is_the_truncated_gradient(network):
    rng = np.random.default_rng(7)
    weights = {n: rng.uniform(-1, 1, (1, *s))
               for n, s in network.shapes().items()}
    symbols = rng.integers(0, 7, 6)
    target = rng.uniform(0, 1, 7)
    state = online_forget.zero_state(network, 1)
    sources = []
    for symbol in symbols[:-1]:
        sources.append(state["y_c"][0].copy())
        online_forget.step(network, weights, state, [symbol], None, [0.0])
    sources.append(state["y_c"][0].copy())
    before = {n: v.copy() for n, v in weights.items()}
    online_forget.step(network, weights, state, [symbols[-1]], [target],
                       [1.0])
    one = {n: v[0] for n, v in before.items()}
    for name, value in one.items():
        grad = value - weights[name][0]
        numeric = numerical_gradient(
            lambda: _frozen_error(network, one, symbols, target, sources),
            value)
        assert np.abs(numeric - grad).max() < 1e-7, name


def test_trials_together_equal_each_trial_alone():
    rng = np.random.default_rng(1)
    seeds = [11, 12, 13]
    symbols = rng.integers(0, 7, (40, 3))
    targets = rng.uniform(0, 1, (40, 3, 7))
    rates = np.array([0.5, 0.0, 0.1])
    together = initial_weights(FORGET, seeds)
    state = online_forget.zero_state(FORGET, 3)
    outs = []
    for t in range(40):
        if t == 20:
            online_forget.reset(state, [False, True, False])
        outs.append(online_forget.step(FORGET, together, state, symbols[t],
                                       targets[t], rates))
    for k, seed in enumerate(seeds):
        alone = initial_weights(FORGET, [seed])
        one_state = online_forget.zero_state(FORGET, 1)
        for t in range(40):
            if t == 20 and k == 1:
                online_forget.reset(one_state, [True])
            out = online_forget.step(FORGET, alone, one_state,
                                     symbols[t, k:k + 1], targets[t, k:k + 1],
                                     rates[k:k + 1])
            np.testing.assert_allclose(out[0], outs[t][k], atol=1e-12)
        for name in alone:
            np.testing.assert_allclose(alone[name][0], together[name][k],
                                       atol=1e-12)
    unchanged = initial_weights(FORGET, [12])
    assert all(np.array_equal(unchanged[n][0], together[n][1])
               for n in unchanged)


# --- the protocol -------------------------------------------------------------

def test_a_prediction_is_right_when_every_output_is_within_049():
    from lstm_course.reproduce.cerg_protocol import right

    targets = np.array([[1, 0, 0, 1, 0, 0, 0]] * 4, float)
    outputs = np.full((4, 7), 0.1)
    outputs[:, [0, 3]] = 0.52  # 0.48 from the target: right
    outputs[1, 3] = 0.5  # 0.5 from an allowed symbol's 1: wrong
    outputs[2, 5] = 0.495  # a symbol that cannot come, 0.495 from 0: wrong
    outputs[3] = 0.5  # an untrained network's outputs: wrong everywhere
    assert right(outputs, targets).tolist() == [True, False, False, False]


def test_a_training_stream_ends_at_its_first_wrong_prediction():
    from lstm_course.reproduce.cerg_protocol import Protocol

    trial = Protocol(max_streams=5, stream_symbols=100, test_streams=2,
                     test_symbols=3)
    assert [trial.advance(ok) for ok in (True, True, False)] == \
        [False, False, True]
    assert (trial.phase, trial.streams, trial.trained_symbols) == \
        ("test", 1, 3)
    # a test stream ends at its first error or after test_symbols right
    assert [trial.advance(ok) for ok in (True, False)] == [False, True]
    assert [trial.advance(ok) for ok in (True, True, True)] == \
        [False, False, True]
    assert trial.tests == [2.0] and trial.phase == "train"
    assert not trial.perfect


def test_a_long_right_stream_ends_at_its_length_and_perfect_ends_training():
    from lstm_course.reproduce.cerg_protocol import Protocol

    trial = Protocol(max_streams=5, stream_symbols=4, test_streams=2,
                     test_symbols=3)
    assert [trial.advance(True) for _ in range(4)] == [False] * 3 + [True]
    for _ in range(6):  # two test streams of 3 right predictions each
        trial.advance(True)
    assert trial.perfect and trial.phase == "done" and trial.tests == [3.0]
    with pytest.raises(RuntimeError, match="finished"):
        trial.advance(True)


def test_training_stops_after_the_last_allowed_stream():
    from lstm_course.reproduce.cerg_protocol import Protocol

    trial = Protocol(max_streams=2, stream_symbols=10, test_streams=1,
                     test_symbols=5)
    for _ in range(2):
        trial.advance(False)  # a training stream of one wrong prediction
        trial.advance(False)  # its test
    assert trial.streams == 2 and trial.phase == "done"
    assert trial.tests == [0.0, 0.0] and not trial.perfect
    with pytest.raises(ValueError, match="test_symbols"):
        Protocol(test_symbols=0)


# --- the drivers --------------------------------------------------------------

def test_compiled_buffers_read_the_same_stream_whenever_refilled():
    from lstm_course.reproduce.cerg_jax import _Buffers
    from lstm_course.reproduce.cerg_paper import _Stream

    stream = _Stream(np.random.default_rng([4, 0]))
    expected = [stream.take()[0] for _ in range(3000)]
    buffers = _Buffers([np.random.default_rng([4, 0])], size=700)
    read, pointer = [], 0
    for step in range(3000):
        if step % 97 == 0:  # refill at odd times, as pointers come near
            pointer = int(buffers.refill([pointer], margin=300)[0])
        read.append(buffers.symbols[0, pointer])
        pointer += 1
    assert read == expected


@pytest.mark.parametrize("network, options", [
    (FORGET, {"decay": 0.99}),
    (CELL_1997, {"reset_strings": True}), (STATE_DECAY, {})],
    ids=["forget, decay", "1997, resets", "state decay"])
def test_compiled_protocol_gives_what_the_numpy_protocol_gives(network,
                                                               options):
    """Same weights, same streams, same protocol: the same trials, in the
    compiled driver and in the plain one."""
    pytest.importorskip("jax")
    from lstm_course.reproduce.cerg_jax import train_cerg_jax
    from lstm_course.reproduce.cerg_paper import train_cerg

    kwargs = dict(max_streams=25, stream_symbols=400, test_streams=3,
                  test_symbols=60, **options)
    compiled = train_cerg_jax(network, 3, seed=5, **kwargs)
    plain = train_cerg(network, 3, seed=5, **kwargs)
    for a, b in zip(compiled["trials"], plain["trials"]):
        assert a["finished"]
        for key in ("perfect", "streams", "trained_symbols"):
            assert a[key] == b[key], key
        assert a["last_test"] == round(b["last_test"], 1)
        assert a["best_test"] == round(b["best_test"], 1)
    assert compiled["trials"][0]["streams"] == 25
