"""Chapter 05 exercises: the LSTM step with a forget gate, with peepholes,
the coupled input-forget gate (CIFG), one full-BPTT step back, and the
next-symbol targets of the continual embedded Reber grammar."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.reference import lstm_np
from lstm_course.sandboxed.calls import LSTM_CACHE as CACHE_KEYS
from lstm_course.sandboxed.calls import LSTM_GRADS as GRADS
from lstm_course.sandboxed.calls import lstm_params as _params
from lstm_course.tasks import reber

REFERENCE = ("lstm_course.reference.lstm_np", "lstm_course.cells")


def _step_inputs(rng, peepholes=False, gates="ifco", batch=3, c_scale=1.0):
    params = lstm_np.init_params(rng, 2, 4, peepholes=peepholes, scale=1.0)
    params = {k: v for k, v in params.items() if k[-1] in gates}
    return {"x_t": rng.normal(size=(batch, 2)),
            "h_prev": rng.uniform(-0.9, 0.9, (batch, 4)),
            "c_prev": rng.normal(0, c_scale, (batch, 4)), **params}


def _ref_step(inputs):
    h, c, _ = lstm_np.step_forward(inputs["x_t"], inputs["h_prev"],
                                   inputs["c_prev"], _params(inputs))
    return {"h_t": h, "c_t": c}


# --- ch05.lstm_step_forward -------------------------------------------------

LSTM_STEP_FORWARD = Exercise(
    id="ch05.lstm_step_forward",
    title="one step of the LSTM with a forget gate",
    points=2,
    kind="function",
    signature="lstm_step_forward(x_t, h_prev, c_prev, params)",
    parameters=("x_t", "h_prev", "c_prev", "params"),
    cases=(
        Case(name="a batch of 3",
             make_inputs=lambda rng: _step_inputs(rng),
             checks=(
                 SubCheck(name="a batch of 3", outputs=("h_t", "c_t"),
                          share=0.5,
                          hint="i, f, o = sigmoid(x_t W_x? + h_prev W_h? + "
                               "b_?), z = tanh(x_t W_xc + h_prev W_hc + "
                               "b_c); c_t = f * c_prev + i * z; h_t = o * "
                               "tanh(c_t)."),
             )),
        Case(name="a large old state",
             make_inputs=lambda rng: _step_inputs(rng, c_scale=5.0),
             checks=(
                 SubCheck(name="the forget gate scales the old state",
                          outputs=("h_t", "c_t"), share=0.5,
                          hint="The old state enters only through f * "
                               "c_prev: not added as it is (that is the 1997 "
                               "cell), and not squashed."),
             )),
    ),
    reference=_ref_step,
    references=REFERENCE,
)


# --- ch05.peephole_step_forward ---------------------------------------------

PEEPHOLE_STEP_FORWARD = Exercise(
    id="ch05.peephole_step_forward",
    title="one LSTM step with peephole connections",
    points=3,
    kind="function",
    signature="peephole_step_forward(x_t, h_prev, c_prev, params)",
    parameters=("x_t", "h_prev", "c_prev", "params"),
    cases=(
        Case(name="a batch of 3",
             make_inputs=lambda rng: _step_inputs(rng, True),
             checks=(
                 SubCheck(name="input and forget gates peep at c_prev",
                          outputs=("c_t",), share=0.5,
                          hint="i = sigmoid(... + p_i * c_prev), f = "
                               "sigmoid(... + p_f * c_prev): element-wise, "
                               "one peephole weight per cell."),
             )),
        Case(name="a large old state",
             make_inputs=lambda rng: _step_inputs(rng, True, c_scale=4.0),
             checks=(
                 SubCheck(name="the output gate peeps at the new state",
                          outputs=("h_t",), share=0.5,
                          hint="o = sigmoid(... + p_o * c_t) uses the state "
                               "just computed, not c_prev."),
             )),
    ),
    reference=_ref_step,
    references=REFERENCE,
)


# --- ch05.cifg_step_forward -------------------------------------------------

def _ref_cifg(inputs):
    h_t, c_t = lstm_np.cifg_step_forward(inputs["x_t"], inputs["h_prev"],
                                         inputs["c_prev"], _params(inputs))
    return {"h_t": h_t, "c_t": c_t}


CIFG_STEP_FORWARD = Exercise(
    id="ch05.cifg_step_forward",
    title="the coupled input and forget gate (CIFG)",
    points=2,
    kind="function",
    signature="cifg_step_forward(x_t, h_prev, c_prev, params)",
    parameters=("x_t", "h_prev", "c_prev", "params"),
    cases=(
        Case(name="a batch of 3",
             make_inputs=lambda rng: _step_inputs(rng, gates="ico"),
             checks=(
                 SubCheck(name="f = 1 - i", outputs=("h_t", "c_t"), share=1.0,
                          hint="There are no forget-gate weights: c_t = (1 - "
                               "i) * c_prev + i * z, so what enters replaces "
                               "what was there."),
             )),
    ),
    reference=_ref_cifg,
    references=REFERENCE,
)


# --- ch05.lstm_step_backward ------------------------------------------------


def _backward_inputs(rng):
    inputs = _step_inputs(rng)
    _, _, cache = lstm_np.step_forward(inputs["x_t"], inputs["h_prev"],
                                       inputs["c_prev"], _params(inputs))
    return {**{k: cache[k] for k in CACHE_KEYS}, **_params(inputs),
            "dh_t": rng.normal(size=(3, 4)), "dc_t": rng.normal(size=(3, 4))}


def _ref_backward(inputs):
    cache = {k: inputs[k] for k in CACHE_KEYS}
    _, dh_prev, dc_prev, grads = lstm_np.step_backward(
        inputs["dh_t"], inputs["dc_t"], cache, _params(inputs))
    return {"dh_prev": dh_prev, "dc_prev": dc_prev,
            **{"d" + n: grads[n] for n in GRADS}}


LSTM_STEP_BACKWARD = Exercise(
    id="ch05.lstm_step_backward",
    title="one step back with full BPTT",
    points=4,
    kind="function",
    signature="lstm_step_backward(dh_t, dc_t, cache, params)",
    parameters=("dh_t", "dc_t", "cache", "params"),
    cases=(
        Case(name="a batch of 3", make_inputs=_backward_inputs, checks=(
            SubCheck(name="dc_prev: through the forget gate",
                     outputs=("dc_prev",), share=0.25,
                     hint="dc = dc_t + dh_t * o * (1 - tanh(c)**2); dc_prev "
                          "= dc * f (the carousel now leaks by f)."),
            SubCheck(name="gate gradients",
                     outputs=tuple("d" + n for n in GRADS), share=0.4,
                     hint="d net_o = dh_t * tanh(c) * o (1 - o); d net_c = "
                          "dc * i * (1 - z**2); d net_i = dc * z * i (1 - "
                          "i); d net_f = dc * c_prev * f (1 - f); then "
                          "source.T @ d net, and the batch sum for a bias."),
            SubCheck(name="dh_prev: full BPTT, through every net",
                     outputs=("dh_prev",), share=0.35,
                     hint="Unlike the 1997 cell's truncated gradient, "
                          "dh_prev = sum over the four gates of d net_? @ "
                          "W_h?.T."),
        )),
    ),
    reference=_ref_backward,
    references=REFERENCE,
)


# --- ch05.cerg_targets ------------------------------------------------------

def _cerg_case(n_strings):
    def make(rng):
        x, _, _ = reber.cerg_stream(rng, n_strings)
        return {"symbols": np.argmax(x, axis=1).astype(np.int64)}
    return make


def _ref_cerg(inputs):
    stream = "".join(reber.SYMBOLS[k] for k in inputs["symbols"])
    strings = [s for s in stream.replace("EB", "E|B").split("|")]
    sets = [s for string in strings for s in
            reber.next_symbols(string, continual=True)]
    return {"targets": reber.multi_hot(sets)}


CERG_TARGETS = Exercise(
    id="ch05.cerg_targets",
    title="what may come next in the continual embedded Reber grammar",
    points=4,
    kind="function",
    signature="cerg_targets(symbols)",
    parameters=("symbols",),
    cases=(
        Case(name="one string", make_inputs=_cerg_case(1), checks=(
            SubCheck(name="one string", outputs=("targets",), share=0.4,
                     hint="Walk the automaton: after B comes T or P, then an "
                          "inner Reber string (its own B ... E, with the "
                          "graph's choices), then the remembered T or P, "
                          "then E; after the last E comes the next string's "
                          "B."),
        )),
        Case(name="a stream of 30 strings", make_inputs=_cerg_case(30), checks=(
            SubCheck(name="a stream of 30 strings", outputs=("targets",),
                     share=0.6,
                     hint="In a stream, the final E of one string is "
                          "followed by the B of the next: reset your "
                          "automaton there."),
        )),
    ),
    reference=_ref_cerg,
    references=("lstm_course.tasks.reber",),
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (LSTM_STEP_FORWARD, PEEPHOLE_STEP_FORWARD, CIFG_STEP_FORWARD,
             LSTM_STEP_BACKWARD, CERG_TARGETS)
