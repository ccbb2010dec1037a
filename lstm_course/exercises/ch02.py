"""Chapter 02 exercises: the step Jacobian of the Elman RNN, the product of
step Jacobians, the bound on error flow, and gradient-norm clipping."""

from __future__ import annotations

import numpy as np

from lstm_course import diagnostics
from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.reference.clipping_np import clip_by_global_norm
from lstm_course.sandboxed.calls import CLIP_GRADIENTS as GRAD_NAMES


def _orthogonal(rng, size):
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


# --- ch02.step_jacobian -----------------------------------------------------

def _jacobian_case(batch, saturated=False):
    def make(rng):
        units = 4
        w_hh = rng.normal(0, 0.8, (units, units))  # not symmetric
        a = rng.normal(0, 6.0 if saturated else 0.7, (batch, units))
        return {"h_t": np.tanh(a), "W_hh": w_hh}
    return make


def _ref_step_jacobian(inputs):
    # J[b, i, j] = dh_t[b, i] / dh_{t-1}[b, j] = (1 - h_t[b, i]^2) W_hh[j, i]
    derivative = 1.0 - inputs["h_t"] ** 2
    return {"J": derivative[:, :, None] * inputs["W_hh"].T[None]}


JACOBIAN_HINT = ("h_t = tanh(a_t) with a_t = ... + h_prev @ W_hh, so "
                 "da_t[i]/dh_prev[j] = W_hh[j, i]: J = diag(1 - h_t**2) @ "
                 "W_hh.T, one (H, H) matrix per row of the batch.")

STEP_JACOBIAN = Exercise(
    id="ch02.step_jacobian",
    title="the Jacobian of one Elman RNN step",
    points=2,
    kind="function",
    signature="step_jacobian(h_t, W_hh)",
    parameters=("h_t", "W_hh"),
    cases=(
        Case(name="one example", make_inputs=_jacobian_case(1), checks=(
            SubCheck(name="one example", outputs=("J",), share=0.4,
                     hint=JACOBIAN_HINT),
        )),
        Case(name="a batch of 5", make_inputs=_jacobian_case(5), checks=(
            SubCheck(name="a batch of 5", outputs=("J",), share=0.3,
                     hint="Return shape (B, H, H): J[b] belongs to row b of "
                          "h_t; broadcast (1 - h_t**2)[:, :, None] against "
                          "W_hh.T."),
        )),
        Case(name="saturated units",
             make_inputs=_jacobian_case(3, saturated=True),
             checks=(
                 SubCheck(name="saturated units pass almost nothing back",
                          outputs=("J",), share=0.3,
                          hint="Where |h_t| is close to 1, tanh' = 1 - "
                               "h_t**2 is close to 0: that row of J must be "
                               "close to 0 too."),
             )),
    ),
    reference=_ref_step_jacobian,
    references=("lstm_course.diagnostics",),
)


# --- ch02.jacobian_product --------------------------------------------------

def _product_case(steps):
    def make(rng):
        return {"jacobians": rng.normal(0, 0.6, (2, steps, 3, 3))}
    return make


def _ref_jacobian_product(inputs):
    return {"P": diagnostics.jacobian_product(inputs["jacobians"])}


JACOBIAN_PRODUCT = Exercise(
    id="ch02.jacobian_product",
    title="the Jacobian over many steps",
    points=3,
    kind="function",
    signature="jacobian_product(jacobians)",
    parameters=("jacobians",),
    cases=(
        Case(name="one step", make_inputs=_product_case(1), checks=(
            SubCheck(name="one step: the step's own Jacobian", outputs=("P",),
                     share=0.2,
                     hint="With T = 1 the product is jacobians[:, 0]; keep "
                          "the batch axis: the result is (B, S, S)."),
        )),
        Case(name="four steps", make_inputs=_product_case(4), checks=(
            SubCheck(name="four steps, in the right order", outputs=("P",),
                     share=0.5,
                     hint="dh_T/dh_0 = J_T @ ... @ J_2 @ J_1: a later step "
                          "multiplies from the left (product = jacobians[:, "
                          "t] @ product), and matrix products do not commute."),
        )),
        Case(name="no steps", make_inputs=_product_case(0), checks=(
            SubCheck(name="no steps: the identity", outputs=("P",), share=0.3,
                     hint="dh_0/dh_0 is the identity: start the product from "
                          "np.eye(S) for every row of the batch, not from "
                          "J_1."),
        )),
    ),
    reference=_ref_jacobian_product,
    references=("lstm_course.diagnostics",),
)


# --- ch02.error_flow_bound --------------------------------------------------

def _bound_case(kind):
    def make(rng):
        lags = np.arange(0, 12)
        if kind == "orthogonal":
            w = rng.uniform(0.6, 1.8) * _orthogonal(rng, 5)
            gamma = 1.0
        elif kind == "random":
            # Non-normal: sigma_max differs from the spectral radius and
            # from the largest entry.
            w = rng.normal(0, 0.5, (5, 5)) + np.triu(rng.normal(0, 1.0,
                                                                (5, 5)), 1)
            gamma = 1.0
        else:
            w = rng.normal(0, 1.5, (4, 4))
            gamma = 0.25
        return {"W_hh": w, "gamma": np.float64(gamma), "lags": lags}
    return make


def _ref_bound(inputs):
    return {"bound": diagnostics.error_flow_bound(
        inputs["W_hh"], float(inputs["gamma"]), inputs["lags"])}


ERROR_FLOW_BOUND = Exercise(
    id="ch02.error_flow_bound",
    title="the bound on the error that flows back",
    points=2,
    kind="function",
    signature="error_flow_bound(W_hh, gamma, lags)",
    parameters=("W_hh", "gamma", "lags"),
    cases=(
        Case(name="a scaled orthogonal W_hh",
             make_inputs=_bound_case("orthogonal"),
             checks=(
                 SubCheck(name="a scaled orthogonal W_hh", outputs=("bound",),
                          share=0.3,
                          hint="Return one bound per lag: (sigma_max * "
                               "gamma) ** lags, an array shaped like lags, "
                               "with 1 at lag 0."),
             )),
        Case(name="a non-normal W_hh",
             make_inputs=_bound_case("random"),
             checks=(
                 SubCheck(name="the largest singular value, not an eigenvalue",
                          outputs=("bound",), share=0.4,
                          hint="sigma_max(W) = np.linalg.norm(W, 2) (or the "
                               "first value of np.linalg.svd): the spectral "
                               "radius and the largest entry are smaller, "
                               "and do not bound every step."),
             )),
        Case(name="sigmoid units", make_inputs=_bound_case("sigmoid"), checks=(
            SubCheck(name="sigmoid units: gamma = 1/4", outputs=("bound",),
                     share=0.3,
                     hint="Multiply sigma_max by gamma before raising to the "
                          "power of the lag."),
        )),
    ),
    reference=_ref_bound,
    references=("lstm_course.diagnostics",),
)


# --- ch02.clip_gradient_norm -------------------------------------------------


def _clip_case(scale):
    def make(rng):
        shapes = ((3, 4), (4,), (2, 2))
        grads = {name: scale * rng.normal(size=shape)
                 for name, shape in zip(GRAD_NAMES, shapes)}
        return {**grads, "threshold": np.float64(rng.uniform(0.5, 2.0))}
    return make


def _ref_clip(inputs):
    grads = [inputs[name] for name in GRAD_NAMES]
    clipped = clip_by_global_norm(grads, float(inputs["threshold"]))
    return {**dict(zip(GRAD_NAMES, clipped)),
            **{name + "_after": inputs[name] for name in GRAD_NAMES}}


CLIP_GRADIENT_NORM = Exercise(
    id="ch02.clip_gradient_norm",
    title="gradient-norm clipping",
    points=3,
    kind="function",
    signature="clip_gradient_norm(grads, threshold)",
    parameters=("grads", "threshold"),
    cases=(
        Case(name="a small gradient", make_inputs=_clip_case(0.05), checks=(
            SubCheck(name="a small gradient is left alone", outputs=GRAD_NAMES,
                     share=0.25,
                     hint="Below the threshold, return the gradients "
                          "unchanged."),
        )),
        Case(name="a large gradient", make_inputs=_clip_case(10.0), checks=(
            SubCheck(name="a large gradient: global norm capped, "
                          "direction kept",
                     outputs=GRAD_NAMES, share=0.35,
                     hint="Take one norm over all arrays together, sqrt(sum "
                          "of every squared entry); if it is >= threshold, "
                          "scale every array by threshold / norm."),
            SubCheck(name="the gradients passed in are not changed",
                     outputs=tuple(n + "_after" for n in GRAD_NAMES), share=0.2,
                     hint="Return new arrays (g * factor), do not scale the "
                          "caller's arrays in place (g *= factor)."),
        )),
        Case(name="a zero gradient", make_inputs=_clip_case(0.0), checks=(
            SubCheck(name="a zero gradient stays zero (no NaN)",
                     outputs=GRAD_NAMES, share=0.2,
                     hint="A zero gradient has norm 0: do not divide by it."),
        )),
    ),
    reference=_ref_clip,
    references=("lstm_course.reference.clipping_np",),
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (STEP_JACOBIAN, JACOBIAN_PRODUCT, ERROR_FLOW_BOUND,
             CLIP_GRADIENT_NORM)
