"""Chapter 05's registry entries: the usual mistakes lose the sub-check that
names them."""

import numpy as np

from lstm_course.exercises import evaluate, get
from lstm_course.reference import lstm_np
from lstm_course.tasks import reber


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def test_the_1997_update_is_not_the_forget_gate():
    def no_forget(x_t, h_prev, c_prev, params):
        p = dict(params, b_f=np.full_like(params["b_f"], 1e9))  # f = 1
        h, c, _ = lstm_np.step_forward(x_t, h_prev, c_prev, p)
        return h, c

    assert evaluate(get("ch05.lstm_step_forward"), no_forget).score == 0


def test_output_gate_peeping_at_the_old_state():
    def old_state(x_t, h_prev, c_prev, params):
        p = {k: v for k, v in params.items() if k != "p_o"}
        h, c, cache = lstm_np.step_forward(x_t, h_prev, c_prev, p)
        o = lstm_np.sigmoid(x_t @ params["W_xo"] + h_prev @ params["W_ho"]
                            + params["b_o"] + params["p_o"] * c_prev)
        return o * np.tanh(c), c

    assert failed(evaluate(get("ch05.peephole_step_forward"), old_state)) \
        == ["the output gate peeps at the new state"]


def test_truncated_backward_step_misses_dh_prev():
    def truncated(dh_t, dc_t, cache, params):
        _, _, dc_prev, grads = lstm_np.step_backward(dh_t, dc_t, cache, params)
        return np.zeros_like(dh_t), dc_prev, grads

    assert failed(evaluate(get("ch05.lstm_step_backward"), truncated)) == [
        "dh_prev: full BPTT, through every net"]


def test_cerg_targets_that_forget_the_boundary():
    def no_restart(symbols):
        stream = "".join(reber.SYMBOLS[k] for k in symbols)
        sets = reber.next_symbols(stream[:stream.index("E", 9) + 1])
        out = np.zeros((len(symbols), 7))
        out[:len(sets)] = reber.multi_hot(sets)
        return out

    result = evaluate(get("ch05.cerg_targets"), no_restart)
    assert "a stream of 30 strings" in failed(result)
