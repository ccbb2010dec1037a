"""Chapter 03 exercises: the 1997 LSTM's squashing functions, the CEC update
with block sharing, one step forward, one truncated step backward, and one
step of the online RTRL sensitivities."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.reference import lstm1997_np as L
from lstm_course.sandboxed.calls import LSTM1997_CACHE as CACHE_KEYS
from lstm_course.sandboxed.calls import lstm1997_params as _params

REFERENCE = ("lstm_course.reference.lstm1997_np", "lstm_course.cells")


def _layer_inputs(rng, blocks, k, batch=3, input_dim=2, state_scale=0.5):
    params = L.init_params(rng, input_dim, blocks, k, weight_range=1.0)
    cells = blocks * k
    return {"x_t": rng.normal(size=(batch, input_dim)),
            "h_prev": rng.uniform(-0.8, 0.8, (batch, cells)),
            "s_prev": rng.normal(0, state_scale, (batch, cells)), **params}


# --- ch03.squashing_functions ------------------------------------------------

def _squash_case(scale):
    return lambda rng: {"x": scale * rng.normal(size=(4, 5))}


def _ref_squash(inputs):
    return {"g": L.squash_g(inputs["x"]), "h": L.squash_h(inputs["x"])}


SQUASHING_FUNCTIONS = Exercise(
    id="ch03.squashing_functions",
    title="the cell input and cell output squashing functions g and h",
    points=2,
    kind="function",
    signature="squashing_functions(x)",
    parameters=("x",),
    cases=(
        Case(name="moderate inputs", make_inputs=_squash_case(2.0), checks=(
            SubCheck(name="g(x) = 4 f(x) - 2", outputs=("g",), share=0.35,
                     hint="g squashes the cell input into [-2, 2]: 4 / (1 + "
                          "exp(-x)) - 2, with f the logistic sigmoid."),
            SubCheck(name="h(x) = 2 f(x) - 1", outputs=("h",), share=0.35,
                     hint="h squashes the state into [-1, 1]: 2 / (1 + "
                          "exp(-x)) - 1 (this is tanh(x / 2), not tanh(x))."),
        )),
        Case(name="very large inputs", make_inputs=_squash_case(500.0), checks=(
            SubCheck(name="very large inputs give the limits, not NaN",
                     outputs=("g", "h"), share=0.3,
                     hint="For |x| in the hundreds g must be -2 or 2 and h "
                          "-1 or 1; 1 / (1 + np.exp(-x)) gives that (with an "
                          "overflow warning); np.exp(x) / (1 + np.exp(x)) "
                          "gives inf/inf = NaN."),
        )),
    ),
    reference=_ref_squash,
    references=REFERENCE,
)


# --- ch03.cec_update ---------------------------------------------------------

def _cec_case(blocks, k, closed=False):
    def make(rng):
        cells = blocks * k
        y_in = (np.zeros((3, blocks)) if closed
                else rng.uniform(0, 1, (3, blocks)))
        return {"s_prev": rng.normal(size=(3, cells)), "y_in": y_in,
                "g_c": rng.uniform(-2, 2, (3, cells))}
    return make


def _ref_cec(inputs):
    k = inputs["g_c"].shape[1] // inputs["y_in"].shape[1]
    return {"s": inputs["s_prev"] + L.to_cells(inputs["y_in"], k)
            * inputs["g_c"]}


CEC_UPDATE = Exercise(
    id="ch03.cec_update",
    title="the constant error carousel, with gates shared by a block",
    points=2,
    kind="function",
    signature="cec_update(s_prev, y_in, g_c)",
    parameters=("s_prev", "y_in", "g_c"),
    cases=(
        Case(name="one cell per block", make_inputs=_cec_case(4, 1), checks=(
            SubCheck(name="one cell per block", outputs=("s",), share=0.3,
                     hint="s_t = s_prev + y_in * g_c: the old state, with "
                          "weight exactly 1, plus the gated cell input."),
        )),
        Case(name="three cells per block", make_inputs=_cec_case(2, 3), checks=(
            SubCheck(name="three cells per block share their block's gate",
                     outputs=("s",), share=0.4,
                     hint="y_in has one column per block, g_c one per cell; "
                          "cells j*k .. j*k+k-1 belong to block j: "
                          "np.repeat(y_in, k, axis=1) (not np.tile) gives "
                          "each cell its block's gate."),
        )),
        Case(name="closed input gates",
             make_inputs=_cec_case(2, 3, closed=True),
             checks=(
                 SubCheck(name="a closed input gate keeps the state exactly",
                          outputs=("s",), share=0.3,
                          hint="With y_in = 0 nothing enters and s_t must "
                               "equal s_prev: the CEC neither decays nor "
                               "grows on its own."),
             )),
    ),
    reference=_ref_cec,
    references=REFERENCE,
)


# --- ch03.lstm1997_step_forward ----------------------------------------------

def _step_case(blocks, k, state_scale=0.5):
    return lambda rng: _layer_inputs(rng, blocks, k, state_scale=state_scale)


def _ref_step(inputs):
    h, s, _ = L.step_forward(inputs["x_t"], inputs["h_prev"],
                             inputs["s_prev"], _params(inputs))
    return {"h_t": h, "s_t": s}


STEP_HINT = ("y_in = f(x_t W_xi + h_prev W_hi + b_i) and y_out likewise "
             "(one column per block); s_t = s_prev + y_in * g(x_t W_xc + "
             "h_prev W_hc + b_c); h_t = y_out * h(s_t).")

LSTM1997_STEP_FORWARD = Exercise(
    id="ch03.lstm1997_step_forward",
    title="one step of the 1997 LSTM",
    points=3,
    kind="function",
    signature="lstm1997_step_forward(x_t, h_prev, s_prev, params)",
    parameters=("x_t", "h_prev", "s_prev", "params"),
    cases=(
        Case(name="one cell per block", make_inputs=_step_case(3, 1), checks=(
            SubCheck(name="one cell per block", outputs=("h_t", "s_t"),
                     share=0.3, hint=STEP_HINT),
        )),
        Case(name="blocks of three cells",
             make_inputs=_step_case(2, 3),
             checks=(
                 SubCheck(name="blocks of three cells", outputs=("h_t", "s_t"),
                          share=0.4,
                          hint="Gates have one column per block: repeat each "
                               "block's y_in and y_out for its cells "
                               "(np.repeat, axis=1) before multiplying."),
             )),
        Case(name="a drifted state",
             make_inputs=_step_case(2, 2, state_scale=8.0),
             checks=(
                 SubCheck(name="a drifted state saturates h",
                          outputs=("h_t", "s_t"), share=0.3,
                          hint="h(s) = 2 f(s) - 1 stays in [-1, 1] however "
                               "large s gets; s itself is not squashed "
                               "before it is stored."),
             )),
    ),
    reference=_ref_step,
    references=REFERENCE,
)


# --- ch03.truncated_step_backward ------------------------------------------


def _backward_case(blocks, k):
    def make(rng):
        inputs = _layer_inputs(rng, blocks, k)
        _, _, cache = L.step_forward(inputs["x_t"], inputs["h_prev"],
                                     inputs.pop("s_prev"), _params(inputs))
        cells = blocks * k
        return {**{key: cache[key] for key in CACHE_KEYS},
                "dh_t": rng.normal(size=(3, cells)),
                "ds_t": rng.normal(size=(3, cells)),
                **{name: inputs[name] for name in L.PARAM_NAMES}}
    return make


def _ref_backward(inputs):
    cache = {key: inputs[key] for key in CACHE_KEYS}
    _, _, ds_prev, grads = L.step_backward(inputs["dh_t"], inputs["ds_t"],
                                           cache, _params(inputs), True)
    return {"ds_prev": ds_prev,
            **{"d" + name: grads[name] for name in L.PARAM_NAMES}}


def _grad_names(gate):
    return tuple(f"d{kind}{gate}" for kind in ("W_x", "W_h", "b_"))


TRUNCATED_STEP_BACKWARD = Exercise(
    id="ch03.truncated_step_backward",
    title="one step back with the truncated gradient",
    points=4,
    kind="function",
    signature="truncated_step_backward(dh_t, ds_t, cache, params)",
    parameters=("dh_t", "ds_t", "cache", "params"),
    cases=(
        Case(name="blocks of two cells",
             make_inputs=_backward_case(2, 2),
             checks=(
                 SubCheck(name="ds_prev: the carousel carries the error "
                               "unchanged",
                          outputs=("ds_prev",), share=0.25,
                          hint="ds = ds_t + dh_t * y_out * h'(s_t), with "
                               "h'(s) = (1 + h(s)) (1 - h(s)) / 2; the CEC "
                               "passes ds back with factor 1: ds_prev = ds."),
                 SubCheck(name="output-gate gradients",
                          outputs=_grad_names("o"), share=0.25,
                          hint="d net_o = (sum over the block's cells of "
                               "dh_t * h(s_t)) * y_out (1 - y_out); then "
                               "x_t.T @ d net_o, h_prev.T @ d net_o and its "
                               "sum over the batch."),
                 SubCheck(name="input-gate gradients", outputs=_grad_names("i"),
                          share=0.25,
                          hint="d net_i = (sum over the block's cells of ds "
                               "* g) * y_in (1 - y_in): a gate shared by k "
                               "cells collects the error of all k."),
                 SubCheck(name="cell-input gradients", outputs=_grad_names("c"),
                          share=0.25,
                          hint="d net_c = ds * y_in (repeated per cell) * "
                               "g'(net_c), with g' = (2 + g)(2 - g) / 4."),
             )),
    ),
    reference=_ref_backward,
    references=REFERENCE,
)


# --- ch03.rtrl_step --------------------------------------------------------

def _rtrl_case(rng):
    inputs = _backward_case(2, 2)(rng)
    for name in ("dh_t", "ds_t"):
        inputs.pop(name)
    cells, batch = 4, 3
    start = L.rtrl_zero_sensitivities(batch, inputs["x_t"].shape[1], cells)
    for name, value in start.items():
        inputs["sens_" + name] = rng.normal(size=value.shape)
    return inputs


def _ref_rtrl(inputs):
    sens = {name: inputs["sens_" + name] for name in L.SENSITIVITY_NAMES}
    cache = {key: inputs[key] for key in CACHE_KEYS}
    return L.rtrl_step(sens, cache, _params(inputs))


RTRL_STEP = Exercise(
    id="ch03.rtrl_step",
    title="one step of the online (RTRL) sensitivities of the CEC",
    points=4,
    kind="function",
    signature="rtrl_step(sens, cache, params)",
    parameters=("sens", "cache", "params"),
    cases=(
        Case(name="blocks of two cells", make_inputs=_rtrl_case, checks=(
            SubCheck(name="cell-input sensitivities",
                     outputs=("W_xc", "W_hc", "b_c"), share=0.5,
                     hint="ds_c/dw_cu grows by y_in * g'(net_c) * u, u being "
                          "x_t[d] for W_xc, h_prev[u] for W_hc and 1 for "
                          "b_c: sens + u[:, :, None] * local[:, None, :]."),
            SubCheck(name="input-gate sensitivities",
                     outputs=("W_xi", "W_hi", "b_i"), share=0.5,
                     hint="ds_c/dw_iu grows by g(net_c) * f'(net_in) * u, "
                          "with the block's gate value repeated for each of "
                          "its cells; the old sensitivity is kept (the CEC's "
                          "factor 1)."),
        )),
    ),
    reference=_ref_rtrl,
    references=REFERENCE,
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (SQUASHING_FUNCTIONS, CEC_UPDATE, LSTM1997_STEP_FORWARD,
             TRUNCATED_STEP_BACKWARD, RTRL_STEP)
