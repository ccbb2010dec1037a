"""Chapter 03's registry entries: the usual mistakes with the 1997 cell lose
the sub-check that names them."""

import numpy as np

from lstm_course.exercises import evaluate, get
from lstm_course.reference import lstm1997_np as L


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def test_h_is_not_tanh():
    def with_tanh(x):
        return L.squash_g(x), np.tanh(x)

    assert failed(evaluate(get("ch03.squashing_functions"), with_tanh)) == [
        "h(x) = 2 f(x) - 1"]


def test_tiling_gates_mixes_up_the_blocks():
    def tiled(s_prev, y_in, g_c):
        k = g_c.shape[1] // y_in.shape[1]
        return s_prev + np.tile(y_in, k) * g_c

    assert failed(evaluate(get("ch03.cec_update"), tiled)) == [
        "three cells per block share their block's gate"]


def test_a_decaying_state_is_not_a_carousel():
    def leaky(s_prev, y_in, g_c):
        k = g_c.shape[1] // y_in.shape[1]
        return 0.9 * s_prev + np.repeat(y_in, k, axis=1) * g_c

    assert evaluate(get("ch03.cec_update"), leaky).score == 0


def test_step_forward_that_squashes_the_stored_state():
    def squashed_state(x_t, h_prev, s_prev, params):
        h, s, _ = L.step_forward(x_t, h_prev, s_prev, params)
        return h, L.squash_h(s)

    assert evaluate(get("ch03.lstm1997_step_forward"),
                    squashed_state).score == 0


def test_backward_step_that_drops_the_carry_keeps_only_the_output_gate():
    def no_carry(dh_t, ds_t, cache, params):
        _, _, ds, grads = L.step_backward(dh_t, 0 * ds_t, cache, params)
        return ds, grads

    result = evaluate(get("ch03.truncated_step_backward"), no_carry)
    assert [s.name for s in result.subchecks if s.passed] == [
        "output-gate gradients"]


def test_rtrl_that_forgets_the_old_sensitivities():
    def forgetful(sens, cache, params):
        zero = {name: np.zeros_like(value) for name, value in sens.items()}
        return L.rtrl_step(zero, cache, params)

    assert evaluate(get("ch03.rtrl_step"), forgetful).score == 0


def test_rtrl_that_returns_a_list_is_told_what_is_expected():
    result = evaluate(get("ch03.rtrl_step"), lambda sens, cache, params: [])
    assert result.score == 0 and "must return a dict" in result.message
