"""Chapter 06 exercises: one GRU step, causal attention, the dilated causal
convolution of the TCN, DLinear's decomposition, and one RK4 step."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.ode import rk4_step
from lstm_course.reference import attention_np, gru_np, ltsf_np, tcn_np
from lstm_course.sandboxed.calls import dynamics as _dynamics
from lstm_course.sandboxed.calls import gru_params as _gru_params

# --- ch06.gru_step -----------------------------------------------------------

def _gru_case(batch, scale):
    def make(rng):
        params = gru_np.init_params(rng, 3, 4, reset_after=False)
        return {"x_t": scale * rng.normal(size=(batch, 3)),
                "h_prev": rng.uniform(-0.9, 0.9, (batch, 4)), **params}
    return make


def _ref_gru(inputs):
    return {"h_t": gru_np.step_forward(inputs["x_t"], inputs["h_prev"],
                                       _gru_params(inputs))}


GRU_STEP = Exercise(
    id="ch06.gru_step",
    title="one step of the GRU (Cho et al. 2014)",
    points=2,
    kind="function",
    signature="gru_step(x_t, h_prev, params)",
    parameters=("x_t", "h_prev", "params"),
    cases=(
        Case(name="one example", make_inputs=_gru_case(1, 1.0), checks=(
            SubCheck(name="one example", outputs=("h_t",), share=0.4,
                     hint="z = sigmoid(x W_xz + h W_hz + b_z), r likewise "
                          "with W_xr, W_hr, b_r; candidate = tanh(x W_xh + "
                          "(r * h) W_hh + b_h); h_t = z * h + (1 - z) * "
                          "candidate."),
        )),
        Case(name="a batch of 5", make_inputs=_gru_case(5, 1.0), checks=(
            SubCheck(name="a batch of 5", outputs=("h_t",), share=0.3,
                     hint="Rows are sequences: use matrix products (@) for "
                          "the weights and element-wise products for the "
                          "gates."),
        )),
        Case(name="large inputs", make_inputs=_gru_case(5, 8.0), checks=(
            SubCheck(name="large inputs", outputs=("h_t",), share=0.3,
                     hint="With saturated gates z is 0 or 1: h_t is the "
                          "candidate or h_prev. Check which of the two z "
                          "multiplies."),
        )),
    ),
    reference=_ref_gru,
    references=("lstm_course.reference.gru_np", "lstm_course.cells"),
)


# --- ch06.causal_attention ---------------------------------------------------

def _attention_case(batch, steps, depth, scale):
    def make(rng):
        return {name: scale * rng.normal(size=(batch, steps, depth))
                for name in ("q", "k", "v")}
    return make


def _ref_attention(inputs):
    return {"out": attention_np.causal_attention(inputs["q"], inputs["k"],
                                                 inputs["v"])}


CAUSAL_ATTENTION = Exercise(
    id="ch06.causal_attention",
    title="causal scaled dot-product attention",
    points=2,
    kind="function",
    signature="causal_attention(q, k, v)",
    parameters=("q", "k", "v"),
    cases=(
        Case(name="one sequence",
             make_inputs=_attention_case(1, 5, 4, 1.0),
             checks=(
                 SubCheck(name="one sequence", outputs=("out",), share=0.4,
                          hint="scores = q @ k^T / sqrt(d); set the entries "
                               "with s > t to -inf before the softmax over "
                               "s; then weights @ v. The first output step "
                               "must equal v[:, 0]."),
             )),
        Case(name="a batch of 3",
             make_inputs=_attention_case(3, 7, 8, 1.0),
             checks=(
                 SubCheck(name="a batch of 3", outputs=("out",), share=0.3,
                          hint="Transpose only the last two axes of k "
                               "(np.swapaxes(k, -1, -2)) and take the "
                               "softmax over the last axis."),
             )),
        Case(name="large scores",
             make_inputs=_attention_case(2, 6, 4, 30.0),
             checks=(
                 SubCheck(name="large scores", outputs=("out",), share=0.3,
                          hint="np.exp overflows for scores near 1000: "
                               "subtract each row's maximum before "
                               "exponentiating (it cancels in the softmax)."),
             )),
    ),
    reference=_ref_attention,
    references=("lstm_course.reference.attention_np",
                "lstm_course.models.transformer"),
)


# --- ch06.dilated_causal_conv ------------------------------------------------

def _conv_case(batch, steps, taps, dilation, channels=(2, 3)):
    def make(rng):
        return {"x": rng.normal(size=(batch, steps, channels[0])),
                "kernel": rng.normal(size=(taps, *channels)),
                "dilation": np.array(dilation)}
    return make


def _ref_conv(inputs):
    return {"y": tcn_np.dilated_causal_conv(inputs["x"], inputs["kernel"],
                                            int(inputs["dilation"]))}


DILATED_CAUSAL_CONV = Exercise(
    id="ch06.dilated_causal_conv",
    title="the dilated causal convolution of the TCN",
    points=2,
    kind="function",
    signature="dilated_causal_conv(x, kernel, dilation)",
    parameters=("x", "kernel", "dilation"),
    cases=(
        Case(name="dilation 1", make_inputs=_conv_case(2, 8, 3, 1), checks=(
            SubCheck(name="dilation 1", outputs=("y",), share=0.4,
                     hint="y[:, t] = sum over j of x[:, t - (K - 1 - j) * d] "
                          "@ kernel[j]: the last tap (j = K - 1) reads step "
                          "t itself."),
        )),
        Case(name="dilation 4", make_inputs=_conv_case(3, 20, 3, 4), checks=(
            SubCheck(name="dilation 4", outputs=("y",), share=0.3,
                     hint="Taps are d steps apart: t, t - d, t - 2d, ..."),
        )),
        Case(name="taps reaching before the start",
             make_inputs=_conv_case(2, 6, 4, 3),
             checks=(
                 SubCheck(name="taps reaching before the start", outputs=("y",),
                          share=0.3,
                          hint="A tap that would read a step before 0 reads "
                               "a zero (left padding only); negative indices "
                               "in NumPy wrap around to the end instead."),
             )),
    ),
    reference=_ref_conv,
    references=("lstm_course.reference.tcn_np",),
)


# --- ch06.series_decomposition -----------------------------------------------

def _decomposition_case(batch, length, channels, kernel_size):
    def make(rng):
        steps = np.arange(length)[None, :, None]
        x = 0.1 * steps + np.sin(steps) + rng.normal(
            size=(batch, length, channels))
        return {"x": x, "kernel_size": np.array(kernel_size)}
    return make


def _ref_decomposition(inputs):
    trend, seasonal = ltsf_np.decompose(inputs["x"],
                                        int(inputs["kernel_size"]))
    return {"trend": trend, "seasonal": seasonal}


SERIES_DECOMPOSITION = Exercise(
    id="ch06.series_decomposition",
    title="DLinear's moving-average decomposition",
    points=2,
    kind="function",
    signature="series_decomposition(x, kernel_size)",
    parameters=("x", "kernel_size"),
    cases=(
        Case(name="kernel 5",
             make_inputs=_decomposition_case(2, 16, 1, 5),
             checks=(
                 SubCheck(name="trend, kernel 5", outputs=("trend",), share=0.4,
                          hint="trend[:, i] is the mean of the k values "
                               "centred on i; pad each end by repeating the "
                               "first and last value (k - 1) / 2 times so "
                               "the trend keeps the window's length."),
                 SubCheck(name="seasonal part", outputs=("seasonal",),
                          share=0.2,
                          hint="The seasonal part is what the trend leaves: "
                               "x - trend."),
             )),
        Case(name="kernel longer than the window",
             make_inputs=_decomposition_case(3, 10, 2, 25),
             checks=(
                 SubCheck(name="kernel longer than the window",
                          outputs=("trend", "seasonal"), share=0.4,
                          hint="With k > L the padding is longer than the "
                               "window: repeat the edge values, never wrap "
                               "around or reflect."),
             )),
    ),
    reference=_ref_decomposition,
    references=("lstm_course.reference.ltsf_np",
                "lstm_course.models.ltsf_linear"),
)


# --- ch06.rk4_step -----------------------------------------------------------

def _linear_case(rng):
    return {"A": rng.normal(size=(3, 3)), "h": rng.normal(size=(4, 3)),
            "step": np.array(0.3)}


def _nonlinear_case(rng):
    return {"W": rng.normal(size=(3, 3)), "b": rng.normal(size=3),
            "h": rng.normal(size=(4, 3)), "step": np.array(0.7)}


def _ref_rk4(inputs):
    return {"h_next": rk4_step(_dynamics(inputs), inputs["h"],
                               float(inputs["step"]))}


RK4_STEP = Exercise(
    id="ch06.rk4_step",
    title="one step of the classical Runge-Kutta method",
    points=2,
    kind="function",
    signature="rk4_step(f, h, step)",
    parameters=("f", "h", "step"),
    cases=(
        Case(name="linear dynamics", make_inputs=_linear_case, checks=(
            SubCheck(name="linear dynamics", outputs=("h_next",), share=0.5,
                     hint="k1 = f(h), k2 = f(h + step/2 k1), k3 = f(h + "
                          "step/2 k2), k4 = f(h + step k3); h + step/6 (k1 + "
                          "2 k2 + 2 k3 + k4). An Euler step h + step f(h) is "
                          "not enough."),
        )),
        Case(name="nonlinear dynamics", make_inputs=_nonlinear_case, checks=(
            SubCheck(name="nonlinear dynamics", outputs=("h_next",), share=0.5,
                     hint="Each k evaluates f at a new point built from the "
                          "previous k; weights 1, 2, 2, 1 over 6."),
        )),
    ),
    reference=_ref_rk4,
    references=("lstm_course.models.neural_ode",),
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (GRU_STEP, CAUSAL_ATTENTION, DILATED_CAUSAL_CONV,
             SERIES_DECOMPOSITION, RK4_STEP)
