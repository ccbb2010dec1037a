"""Chapter 01 exercises: the Elman RNN step, its sequence forward pass, the
backward step, full BPTT, and a numerical gradient."""

from __future__ import annotations

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.reference import rnn_np
from lstm_course.sandboxed.calls import RNN_PARAMS as PARAMS
from lstm_course.sandboxed.calls import rnn_params as _params


def _rnn_inputs(rng, batch, steps, input_dim, units, scale=1.0):
    """x (B, T, D), h0 (B, H) and the three parameters, flat."""
    params = rnn_np.init_params(rng, input_dim, units, scale=2.0)
    return {
        "x": scale * rng.normal(size=(batch, steps, input_dim)),
        "h0": rng.uniform(-0.5, 0.5, (batch, units)),
        **params,
    }


# --- ch01.rnn_step_forward ---------------------------------------------------

def _step_case(batch, scale):
    def make(rng):
        inputs = _rnn_inputs(rng, batch, 1, 3, 4, scale)
        x = inputs.pop("x")
        inputs["x_t"] = x[:, 0]
        inputs["h_prev"] = inputs.pop("h0")
        return inputs
    return make


def _ref_step_forward(inputs):
    h_t, _ = rnn_np.step_forward(inputs["x_t"], inputs["h_prev"],
                                 _params(inputs))
    return {"h_t": h_t}


STEP_HINT = ("h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h); x_t is (B, D), "
             "W_xh is (D, H), so h_t is (B, H).")

RNN_STEP_FORWARD = Exercise(
    id="ch01.rnn_step_forward",
    title="one step of the Elman RNN",
    points=2,
    kind="function",
    signature="rnn_step_forward(x_t, h_prev, params)",
    parameters=("x_t", "h_prev", "params"),
    cases=(
        Case(name="one example", make_inputs=_step_case(1, 1.0), checks=(
            SubCheck(name="one example", outputs=("h_t",), share=1 / 3,
                     hint=STEP_HINT),
        )),
        Case(name="a batch of 6", make_inputs=_step_case(6, 1.0), checks=(
            SubCheck(name="a batch of 6", outputs=("h_t",), share=1 / 3,
                     hint="Each row of x_t and h_prev is one sequence of the "
                          "batch; use matrix products, not element-wise ones."),
        )),
        Case(name="large inputs", make_inputs=_step_case(6, 10.0), checks=(
            SubCheck(name="large inputs saturate", outputs=("h_t",),
                     share=1 / 3,
                     hint="For large inputs tanh saturates at +-1; did you "
                          "use np.tanh (not a sigmoid, not a clipped line)?"),
        )),
    ),
    reference=_ref_step_forward,
    references=("lstm_course.reference.rnn_np",),
)


# --- ch01.rnn_forward --------------------------------------------------------

def _sequence_case(batch, steps):
    return lambda rng: _rnn_inputs(rng, batch, steps, 3, 4)


def _ref_forward(inputs):
    h, _ = rnn_np.forward(inputs["x"], _params(inputs), inputs["h0"])
    return {"h": h}


RNN_FORWARD = Exercise(
    id="ch01.rnn_forward",
    title="the Elman RNN over a whole sequence",
    points=2,
    kind="function",
    signature="rnn_forward(x, h0, params)",
    parameters=("x", "h0", "params"),
    cases=(
        Case(name="one step", make_inputs=_sequence_case(2, 1), checks=(
            SubCheck(name="a sequence of one step", outputs=("h",), share=0.5,
                     hint="With T = 1 the result is one step from h0, with "
                          "shape (B, 1, H): keep the time axis."),
        )),
        Case(name="8 steps", make_inputs=_sequence_case(5, 8), checks=(
            SubCheck(name="a sequence of 8 steps", outputs=("h",), share=0.5,
                     hint="Loop t = 0..T-1, feed x[:, t] and the previous "
                          "state, and stack the states on axis 1 "
                          "(batch-major, like Keras)."),
        )),
    ),
    reference=_ref_forward,
    references=("lstm_course.reference.rnn_np",),
)


# --- ch01.rnn_step_backward --------------------------------------------------

def _backward_step_inputs(rng):
    inputs = _step_case(5, 1.0)(rng)
    h_t, _ = rnn_np.step_forward(inputs["x_t"], inputs["h_prev"],
                                 _params(inputs))
    inputs["h_t"] = h_t
    inputs["dh_t"] = rng.normal(size=h_t.shape)
    return inputs


def _ref_step_backward(inputs):
    cache = {name: inputs[name] for name in ("x_t", "h_prev", "h_t")}
    dx_t, dh_prev, grads = rnn_np.step_backward(inputs["dh_t"], cache,
                                                _params(inputs))
    return {"dx_t": dx_t, "dh_prev": dh_prev,
            **{"d" + name: grads[name] for name in PARAMS}}


TANH_HINT = "Start from da_t = dh_t * (1 - h_t**2), the derivative of tanh."

RNN_STEP_BACKWARD = Exercise(
    id="ch01.rnn_step_backward",
    title="backward through one RNN step",
    points=3,
    kind="function",
    signature="rnn_step_backward(dh_t, cache, params)",
    parameters=("dh_t", "cache", "params"),
    cases=(
        Case(name="a batch of 5", make_inputs=_backward_step_inputs, checks=(
            SubCheck(name="dx_t", outputs=("dx_t",), share=0.2,
                     hint=TANH_HINT + " Then dx_t = da_t @ W_xh.T."),
            SubCheck(name="dh_prev", outputs=("dh_prev",), share=0.2,
                     hint=TANH_HINT + " Then dh_prev = da_t @ W_hh.T."),
            SubCheck(name="grads['W_xh']", outputs=("dW_xh",), share=0.2,
                     hint="dW_xh = x_t.T @ da_t: shape (D, H), summed over "
                          "the batch."),
            SubCheck(name="grads['W_hh']", outputs=("dW_hh",), share=0.2,
                     hint="dW_hh = h_prev.T @ da_t: the state that entered "
                          "the step."),
            SubCheck(name="grads['b_h']", outputs=("db_h",), share=0.2,
                     hint="db_h = da_t summed over the batch axis (axis 0)."),
        )),
    ),
    reference=_ref_step_backward,
    references=("lstm_course.reference.rnn_np",),
)


# --- ch01.rnn_bptt -----------------------------------------------------------

def _bptt_case(steps):
    def make(rng):
        inputs = _rnn_inputs(rng, 3, steps, 2, 4)
        inputs["dh"] = rng.normal(size=(3, steps, 4))
        return inputs
    return make


def _ref_bptt(inputs):
    params = _params(inputs)
    _, caches = rnn_np.forward(inputs["x"], params, inputs["h0"])
    dx, dh0, grads = rnn_np.bptt(inputs["dh"], caches, params)
    return {"dx": dx, "dh0": dh0,
            **{"d" + name: grads[name] for name in PARAMS}}


RNN_BPTT = Exercise(
    id="ch01.rnn_bptt",
    title="backpropagation through time",
    points=3,
    kind="function",
    signature="rnn_bptt(dh, x, h0, params)",
    parameters=("dh", "x", "h0", "params"),
    cases=(
        Case(name="2 steps", make_inputs=_bptt_case(2), checks=(
            SubCheck(name="2 steps: dx and dh0", outputs=("dx", "dh0"),
                     share=0.2,
                     hint="Walk t from T-1 down to 0; the gradient at h_t is "
                          "dh[:, t] plus what came back from step t+1; dh0 "
                          "is what is left."),
            SubCheck(name="2 steps: parameter gradients",
                     outputs=("dW_xh", "dW_hh", "db_h"), share=0.2,
                     hint="The weights are shared by all steps: add up every "
                          "step's gradients."),
        )),
        Case(name="10 steps", make_inputs=_bptt_case(10), checks=(
            SubCheck(name="10 steps: dx and dh0", outputs=("dx", "dh0"),
                     share=0.3,
                     hint="Keep the carried gradient from step to step; "
                          "start it at zero after the last step."),
            SubCheck(name="10 steps: parameter gradients",
                     outputs=("dW_xh", "dW_hh", "db_h"), share=0.3,
                     hint="Sum the per-step gradients over all T steps."),
        )),
    ),
    reference=_ref_bptt,
    references=("lstm_course.reference.rnn_np",),
)


# --- ch01.numerical_gradient -------------------------------------------------

def _quadratic_inputs(rng):
    return {"x": rng.normal(size=(4,)), "A": rng.normal(size=(4, 4)),
            "b": rng.normal(size=(4,))}


def _cubic_inputs(rng):
    return {"x": rng.uniform(0.5, 2.0, size=(2, 3))}


def _ref_numerical_gradient(inputs):
    x = inputs["x"]
    if "A" in inputs:
        grad = 0.5 * (inputs["A"] + inputs["A"].T) @ x + inputs["b"]
    else:
        grad = 3.0 * x**2
    return {"grad": grad, "x_after": x}


NUMERICAL_GRADIENT = Exercise(
    id="ch01.numerical_gradient",
    title="the gradient by central differences",
    points=2,
    kind="function",
    signature="numerical_gradient(f, x, eps=1e-6)",
    parameters=("f", "x"),
    cases=(
        Case(name="a quadratic of a vector",
             make_inputs=_quadratic_inputs,
             checks=(
                 SubCheck(name="gradient of a quadratic", outputs=("grad",),
                          share=0.3,
                          hint="Nudge one entry x[i] by +eps and -eps, call "
                               "f() each time, and divide the difference by "
                               "2 * eps."),
             )),
        Case(name="a cubic of a matrix", make_inputs=_cubic_inputs, checks=(
            SubCheck(name="gradient of a cubic (needs central differences)",
                     outputs=("grad",), share=0.4,
                     hint="A forward difference (f(x + eps) - f(x)) / eps is "
                          "off by O(eps); the central one is off by "
                          "O(eps**2). Use np.ndindex(x.shape) to visit every "
                          "entry of a matrix."),
            SubCheck(name="x is restored afterwards", outputs=("x_after",),
                     share=0.3,
                     hint="Put each entry back to its saved value after "
                          "nudging it."),
        )),
    ),
    reference=_ref_numerical_gradient,
    references=("lstm_course.gradcheck",),
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (RNN_STEP_FORWARD, RNN_FORWARD, RNN_STEP_BACKWARD, RNN_BPTT,
             NUMERICAL_GRADIENT)
