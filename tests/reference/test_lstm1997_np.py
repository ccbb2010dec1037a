"""The 1997 LSTM in NumPy: squashing ranges, the CEC, block sharing, full
BPTT against finite differences, and truncated BPTT against the online
RTRL of the paper's appendix."""

import numpy as np
import pytest

from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.reference import lstm1997_np as L


def problem(seed=0, blocks=2, k=3, steps=7, batch=4, input_dim=3):
    rng = np.random.default_rng(seed)
    params = L.init_params(rng, input_dim, blocks, k, weight_range=0.5)
    x = rng.normal(size=(batch, steps, input_dim))
    targets = rng.normal(size=(batch, steps, blocks * k))
    return params, x, targets


def test_squashing_ranges_and_centres():
    x = np.linspace(-50, 50, 1001)
    g, h = L.squash_g(x), L.squash_h(x)
    assert g.min() >= -2 and g.max() <= 2 and h.min() >= -1 and h.max() <= 1
    assert g[0] == pytest.approx(-2) and g[-1] == pytest.approx(2)
    assert h[0] == pytest.approx(-1) and h[-1] == pytest.approx(1)
    assert L.squash_g(0.0) == 0.0 and L.squash_h(0.0) == 0.0
    np.testing.assert_allclose(L.squash_h(x), np.tanh(x / 2), atol=1e-15)
    with np.errstate(over="raise", invalid="raise"):  # no overflow far out
        assert L.sigmoid(-1000.0) == 0.0 and L.sigmoid(1000.0) == 1.0


def test_the_state_is_the_running_sum_of_gated_cell_inputs():
    params, x, _ = problem()
    _, s, caches = L.forward(x, params)
    gated = np.stack([L.to_cells(c["i"], 3) * c["g"] for c in caches], 1)
    np.testing.assert_allclose(s, np.cumsum(gated, axis=1), atol=1e-14)


def test_the_cells_of_a_block_share_its_gates():
    params, x, _ = problem(blocks=2, k=3)
    for gate in "c":  # give the three cells of each block equal weights
        for name in ("W_x", "W_h", "b_"):
            w = params[name + gate]
            params[name + gate] = np.repeat(w[..., ::3], 3, axis=-1)
    h, s, _ = L.forward(x, params)
    for block in range(2):
        cols = slice(3 * block, 3 * block + 3)
        np.testing.assert_allclose(h[..., cols], h[..., cols][..., :1]
                                   .repeat(3, -1), atol=1e-14)
    assert not np.allclose(h[..., 0], h[..., 3])


def test_per_block_sums_what_to_cells_spreads():
    gate = np.arange(6.0).reshape(2, 3)
    cells = L.to_cells(gate, 2)
    np.testing.assert_array_equal(cells[0], [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(L.per_block(cells, 2), 2 * gate)


@pytest.mark.parametrize("blocks, k", [(1, 1), (2, 3), (3, 2)])
def test_truncated_bptt_equals_online_rtrl(blocks, k):
    params, x, targets = problem(blocks=blocks, k=k, steps=9)
    h, _, caches = L.forward(x, params)
    _, dh0, _, bptt = L.bptt(h - targets, caches, params, truncated=True)
    rtrl = L.rtrl_gradients(x, h - targets, params)
    for name in L.PARAM_NAMES:
        assert relative_error(bptt[name], rtrl[name]) < 1e-10, name
    assert np.all(dh0 == 0)  # nothing reaches h_0 through the nets


def test_full_bptt_matches_central_differences():
    params, x, targets = problem(steps=6)
    h0 = np.random.default_rng(1).normal(0, 0.3, (4, 6))
    s0 = np.random.default_rng(2).normal(0, 0.3, (4, 6))

    def loss():
        return 0.5 * np.sum((L.forward(x, params, h0, s0)[0] - targets) ** 2)

    h, _, caches = L.forward(x, params, h0, s0)
    dx, dh0, ds0, grads = L.bptt(h - targets, caches, params, truncated=False)
    for name in L.PARAM_NAMES:
        numeric = numerical_gradient(loss, params[name])
        assert relative_error(grads[name], numeric) < 1e-7, name
    for value, grad in ((x, dx), (h0, dh0), (s0, ds0)):
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7


def test_truncation_changes_the_gradient_but_not_the_cec():
    params, x, targets = problem(steps=8)
    h, _, caches = L.forward(x, params)
    dh = np.zeros_like(h)
    dh[:, -1] = h[:, -1] - targets[:, -1]  # a loss at the last step only
    _, _, ds0, truncated = L.bptt(dh, caches, params, truncated=True)
    _, _, _, full = L.bptt(dh, caches, params, truncated=False)
    assert relative_error(truncated["W_hc"], full["W_hc"]) > 1e-3
    # Only the CEC carries error back: what reaches s_0 is what entered s_T.
    last = caches[-1]
    entered = dh[:, -1] * L.to_cells(last["o"], 3) \
        * (1 + last["hs"]) * (1 - last["hs"]) / 2
    np.testing.assert_allclose(ds0, entered, atol=1e-15)


def test_cells_per_block_must_divide():
    params = L.init_params(np.random.default_rng(0), 2, 2, 2)
    params["b_c"] = np.zeros(5)
    with pytest.raises(ValueError, match="5 cells do not split into 2"):
        L.cells_per_block(params)


def test_init_params_defaults_and_float64_sigmoid():
    params = L.init_params(np.random.default_rng(5), 2, 3)
    again = L.init_params(np.random.default_rng(5), 2, 3, k=1,
                          weight_range=0.1)
    for name, value in params.items():
        np.testing.assert_array_equal(value, again[name])
    assert params["b_c"].shape == (3,)  # one cell per block
    assert max(np.abs(v).max() for v in params.values()) <= 0.1
    s = L.sigmoid(np.float32(0.3))
    assert s.dtype == np.float64 and s == 1 / (1 + np.exp(-np.float64(
        np.float32(0.3))))
