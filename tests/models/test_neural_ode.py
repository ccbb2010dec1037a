"""RK4 against known solutions; the ODE-RNN reduces to a GRU without gaps."""

import keras
import numpy as np
import pytest

from lstm_course.cells import GRUCell
from lstm_course.models.neural_ode import ODERNNCell
from lstm_course.ode import odeint_rk4, rk4_step
from tests.helpers import check_cell_contract


def test_rk4_solves_exponential_decay_to_fourth_order():
    errors = []
    for substeps in (5, 10):
        h = odeint_rk4(lambda h: -h, np.array([[1.0]]), 1.0, substeps)
        errors.append(abs(float(h[0, 0]) - np.exp(-1.0)))
    assert errors[0] < 1e-5
    # Halving the step divides the error by about 2^4.
    assert 12 < errors[0] / errors[1] < 20


def test_rk4_follows_a_rotation():
    a = np.array([[0.0, 1.0], [-1.0, 0.0]])
    h = np.array([[1.0, 0.0]])
    out = odeint_rk4(lambda h: h @ a, h, np.pi / 2, 50)
    np.testing.assert_allclose(out, [[0.0, 1.0]], atol=1e-7)
    one = rk4_step(lambda h: h @ a, h, 0.1)
    np.testing.assert_allclose(np.linalg.norm(one), 1.0, atol=1e-6)


def test_per_row_durations():
    h = odeint_rk4(lambda h: -h, np.ones((3, 1)),
                   np.array([[0.0], [1.0], [2.0]]), 20)
    np.testing.assert_allclose(h[:, 0], np.exp([0.0, -1.0, -2.0]),
                               atol=1e-6)


def test_without_gaps_it_is_a_gru():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 6, 2)).astype("float32")
    with_gaps = np.concatenate([x, np.zeros((3, 6, 1), "float32")], -1)
    ode = keras.layers.RNN(ODERNNCell(4), return_sequences=True)
    gru = keras.layers.RNN(GRUCell(4), return_sequences=True)
    ode.build(with_gaps.shape)
    gru.build(x.shape)
    gru.set_weights(ode.cell.gru.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ode(with_gaps)),
                               keras.ops.convert_to_numpy(gru(x)), atol=1e-6)
    # A fresh cell's flow is zero: a gap leaves the state as it is ...
    with_gaps[:, 3, -1] = 2.0
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ode(with_gaps)),
                               keras.ops.convert_to_numpy(gru(x)), atol=1e-6)
    # ... once f has weights, the state moves during the gap.
    ode.cell.f_out.kernel.assign(rng.normal(size=(32, 4)))
    assert not np.allclose(keras.ops.convert_to_numpy(ode(with_gaps))[:, 3],
                           keras.ops.convert_to_numpy(gru(x))[:, 3])


def test_cell_contract_and_keras_round_trip(tmp_path):
    check_cell_contract(lambda: ODERNNCell(3, hidden=5, substeps=2), tmp_path,
                        expected_weights=7)


@pytest.mark.parametrize("kwargs, match", [
    ({"units": 0}, "units must be"),
    ({"units": 2, "substeps": 0}, "substeps must be"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ODERNNCell(**kwargs)
