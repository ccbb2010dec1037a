"""Chapter 06's registry entries: right answers, written here independently
of the references, earn every point; the usual mistakes lose the sub-checks
that name them."""

import numpy as np
import pytest

from lstm_course.exercises import evaluate, get


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gru_step(x_t, h_prev, params, swap=False):
    p = params
    z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])
    r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])
    candidate = np.tanh(x_t @ p["W_xh"] + (r * h_prev) @ p["W_hh"] + p["b_h"])
    if swap:
        z = 1 - z
    return z * h_prev + (1 - z) * candidate


def causal_attention(q, k, v, stable=True, masked=True):
    steps, depth = q.shape[1], q.shape[2]
    out = np.zeros_like(v)
    for t in range(steps):
        seen = t + 1 if masked else steps
        scores = np.einsum("bd,bsd->bs", q[:, t], k[:, :seen]) / depth**0.5
        if stable:
            scores = scores - scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=1, keepdims=True)
        out[:, t] = np.einsum("bs,bsd->bd", weights, v[:, :seen])
    return out


def dilated_causal_conv(x, kernel, dilation, flip=False):
    taps = kernel.shape[0]
    pad = (taps - 1) * dilation
    padded = np.pad(x, ((0, 0), (pad, 0), (0, 0)))
    steps = x.shape[1]
    order = range(taps - 1, -1, -1) if flip else range(taps)
    return sum(padded[:, j * dilation:j * dilation + steps] @ kernel[i]
               for j, i in enumerate(order))


def series_decomposition(x, kernel_size, mode="edge"):
    half = kernel_size // 2
    padded = np.pad(x, ((0, 0), (half, half), (0, 0)), mode=mode)
    length = x.shape[1]
    trend = np.mean([padded[:, j:j + length] for j in range(kernel_size)],
                    axis=0)
    return trend, x - trend


def rk4_step(f, h, step):
    k1 = f(h)
    k2 = f(h + step / 2 * k1)
    k3 = f(h + step / 2 * k2)
    k4 = f(h + step * k3)
    return h + step / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


@pytest.mark.parametrize("fn", [gru_step, causal_attention,
                                dilated_causal_conv, series_decomposition,
                                rk4_step])
def test_right_answers_earn_every_point(fn):
    result = evaluate(get(f"ch06.{fn.__name__}"), fn)
    assert result.score == result.max_score, failed(result)


def test_gru_with_the_update_gate_swapped_fails():
    def swapped(x_t, h_prev, params):
        return gru_step(x_t, h_prev, params, swap=True)

    assert len(failed(evaluate(get("ch06.gru_step"), swapped))) == 3


def test_attention_without_the_mask_or_the_max_shift():
    def unmasked(q, k, v):
        return causal_attention(q, k, v, masked=False)

    def unstable(q, k, v):
        with np.errstate(over="ignore", invalid="ignore"):
            return causal_attention(q, k, v, stable=False)

    exercise = get("ch06.causal_attention")
    assert len(failed(evaluate(exercise, unmasked))) == 3
    assert failed(evaluate(exercise, unstable)) == ["large scores"]


def test_convolution_with_the_kernel_reversed_fails():
    def flipped(x, kernel, dilation):
        return dilated_causal_conv(x, kernel, dilation, flip=True)

    assert len(failed(evaluate(get("ch06.dilated_causal_conv"),
                               flipped))) == 3


def test_decomposition_padded_with_zeros_or_reflected_fails():
    exercise = get("ch06.series_decomposition")
    for mode in ("constant", "reflect"):
        def padded(x, kernel_size, mode=mode):
            return series_decomposition(x, kernel_size, mode)

        assert "trend, kernel 5" in failed(evaluate(exercise, padded))


def test_an_euler_step_is_not_rk4():
    def euler(f, h, step):
        return h + step * f(h)

    assert len(failed(evaluate(get("ch06.rk4_step"), euler))) == 2
