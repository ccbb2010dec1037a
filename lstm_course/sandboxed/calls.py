"""How each exercise calls a submission and what it keeps of the answer.

``CALLS[exercise_id](obj, inputs)`` passes the case's inputs to the
student's function in the exercise's order and returns its outputs as a
dict of float64 arrays (a :class:`SubmissionError` says what came back
instead). This is the half of an exercise that runs beside the student's
code, so it holds no reference and imports nothing of the course package
but this folder: the grader's sandbox mounts this folder alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .convert import (
    SubmissionError,
    arrays_of_tuple,
    returned_tuple,
    to_array,
)

Arrays = dict[str, np.ndarray]
CALLS: dict[str, Callable[[Any, Arrays], Arrays]] = {}


def calls(exercise_id: str):
    """Register the decorated function as the exercise's calling convention."""
    def register(function):
        CALLS[exercise_id] = function
        return function
    return register


def _gradient_dict(value, what, names) -> Arrays:
    """``{"d" + name: array}`` from a returned dict of gradients."""
    if not isinstance(value, dict):
        raise SubmissionError(f"{what} must be a dict with keys "
                              f"{', '.join(names)}, got a "
                              f"{type(value).__name__}")
    missing = [name for name in names if name not in value]
    if missing:
        raise SubmissionError(f"{what} is missing the key(s) "
                              f"{', '.join(missing)}")
    return {"d" + name: to_array(value[name], f"{what}[{name!r}]")
            for name in names}


# --- chapter 00 --------------------------------------------------------------

@calls("ch00.seasonal_naive")
def _seasonal_naive(fn, inputs):
    value = fn(inputs["inputs"].copy(), int(inputs["horizon"]),
               int(inputs["season"]))
    return {"forecasts": to_array(value, "seasonal_naive's return value")}


@calls("ch00.mase")
def _mase(fn, inputs):
    value = fn(inputs["targets"].copy(), inputs["forecasts"].copy(),
               inputs["train"].copy(), int(inputs["season"]))
    return {"mase": to_array(value, "mase's return value")}


# --- chapter 01: the Elman RNN -----------------------------------------------

RNN_PARAMS = ("W_xh", "W_hh", "b_h")


def rnn_params(inputs: Arrays) -> Arrays:
    return {name: inputs[name] for name in RNN_PARAMS}


@calls("ch01.rnn_step_forward")
def _rnn_step_forward(fn, inputs):
    h_t = fn(inputs["x_t"], inputs["h_prev"], rnn_params(inputs))
    return {"h_t": to_array(h_t, "rnn_step_forward's return value")}


@calls("ch01.rnn_forward")
def _rnn_forward(fn, inputs):
    h = fn(inputs["x"], inputs["h0"], rnn_params(inputs))
    return {"h": to_array(h, "rnn_forward's return value")}


@calls("ch01.rnn_step_backward")
def _rnn_step_backward(fn, inputs):
    cache = {name: inputs[name] for name in ("x_t", "h_prev", "h_t")}
    value = returned_tuple(fn(inputs["dh_t"], cache, rnn_params(inputs)),
                      "rnn_step_backward", ("dx_t", "dh_prev", "grads"))
    return {"dx_t": to_array(value[0], "dx_t"),
            "dh_prev": to_array(value[1], "dh_prev"),
            **_gradient_dict(value[2], "grads", RNN_PARAMS)}


@calls("ch01.rnn_bptt")
def _rnn_bptt(fn, inputs):
    value = returned_tuple(fn(inputs["dh"], inputs["x"], inputs["h0"],
                         rnn_params(inputs)),
                      "rnn_bptt", ("dx", "dh0", "grads"))
    return {"dx": to_array(value[0], "dx"), "dh0": to_array(value[1], "dh0"),
            **_gradient_dict(value[2], "grads", RNN_PARAMS)}


def objective(x: np.ndarray, inputs: Arrays) -> Callable[[], float]:
    """The function ``numerical_gradient`` differentiates: 0.5 x'Ax + b'x
    when the case has ``A``, else sum(x^3); it reads ``x`` when called, so
    the submission perturbs ``x`` in place."""
    if "A" in inputs:
        return lambda: float(0.5 * x @ inputs["A"] @ x + inputs["b"] @ x)
    return lambda: float(np.sum(x**3))


@calls("ch01.numerical_gradient")
def _numerical_gradient(fn, inputs):
    x = np.array(inputs["x"], copy=True)
    grad = to_array(fn(objective(x, inputs), x),
                    "numerical_gradient's return value")
    return {"grad": grad, "x_after": x}


# --- chapter 02: vanishing and exploding gradients ---------------------------

CLIP_GRADIENTS = ("g0", "g1", "g2")


@calls("ch02.step_jacobian")
def _step_jacobian(fn, inputs):
    value = fn(inputs["h_t"], inputs["W_hh"])
    return {"J": to_array(value, "step_jacobian's return value")}


@calls("ch02.jacobian_product")
def _jacobian_product(fn, inputs):
    value = fn(inputs["jacobians"])
    return {"P": to_array(value, "jacobian_product's return value")}


@calls("ch02.error_flow_bound")
def _error_flow_bound(fn, inputs):
    value = fn(inputs["W_hh"], float(inputs["gamma"]), inputs["lags"].copy())
    return {"bound": to_array(value, "error_flow_bound's return value")}


@calls("ch02.clip_gradient_norm")
def _clip_gradient_norm(fn, inputs):
    grads = [inputs[name] for name in CLIP_GRADIENTS]
    value = fn(grads, float(inputs["threshold"]))
    if not isinstance(value, (list, tuple)) or len(value) != len(grads):
        raise SubmissionError(
            "clip_gradient_norm must return a list with one array per "
            f"gradient ({len(grads)}), got a {type(value).__name__}"
            + (f" of length {len(value)}"
               if isinstance(value, (list, tuple)) else ""))
    out = {name: to_array(item, f"clipped gradient {i}")
           for i, (name, item) in enumerate(zip(CLIP_GRADIENTS, value))}
    # grads are this call's copies: changed only if fn mutated them.
    out.update({name + "_after": grads[i]
                for i, name in enumerate(CLIP_GRADIENTS)})
    return out


# --- chapter 03: the 1997 cell -----------------------------------------------

LSTM1997_PARAMS = ("W_xi", "W_hi", "b_i", "W_xo", "W_ho", "b_o",
                   "W_xc", "W_hc", "b_c")
LSTM1997_SENSITIVITIES = ("W_xc", "W_hc", "b_c", "W_xi", "W_hi", "b_i")
LSTM1997_CACHE = ("x_t", "h_prev", "i", "o", "g", "s", "hs")


def lstm1997_params(inputs: Arrays) -> Arrays:
    return {name: inputs[name] for name in LSTM1997_PARAMS}


@calls("ch03.squashing_functions")
def _squashing_functions(fn, inputs):
    return arrays_of_tuple(fn(inputs["x"].copy()), "squashing_functions",
                           ("g", "h"))


@calls("ch03.cec_update")
def _cec_update(fn, inputs):
    value = fn(inputs["s_prev"], inputs["y_in"], inputs["g_c"])
    return {"s": to_array(value, "cec_update's return value")}


@calls("ch03.lstm1997_step_forward")
def _lstm1997_step_forward(fn, inputs):
    value = fn(inputs["x_t"], inputs["h_prev"], inputs["s_prev"],
               lstm1997_params(inputs))
    return arrays_of_tuple(value, "lstm1997_step_forward", ("h_t", "s_t"))


@calls("ch03.truncated_step_backward")
def _truncated_step_backward(fn, inputs):
    cache = {key: inputs[key] for key in LSTM1997_CACHE}
    ds_prev, grads = returned_tuple(
        fn(inputs["dh_t"], inputs["ds_t"], cache, lstm1997_params(inputs)),
        "truncated_step_backward", ("ds_prev", "grads"))
    return {"ds_prev": to_array(ds_prev, "ds_prev"),
            **_gradient_dict(grads, "grads", LSTM1997_PARAMS)}


@calls("ch03.rtrl_step")
def _rtrl_step(fn, inputs):
    sens = {name: inputs["sens_" + name].copy()
            for name in LSTM1997_SENSITIVITIES}
    cache = {key: inputs[key] for key in LSTM1997_CACHE}
    value = fn(sens, cache, lstm1997_params(inputs))
    if not isinstance(value, dict):
        raise SubmissionError("rtrl_step must return a dict of "
                              "sensitivities, got a "
                              f"{type(value).__name__}")
    missing = [name for name in LSTM1997_SENSITIVITIES if name not in value]
    if missing:
        raise SubmissionError(f"the returned dict is missing "
                              f"{', '.join(missing)}")
    return {name: to_array(value[name], f"sensitivity {name!r}")
            for name in LSTM1997_SENSITIVITIES}


# --- chapter 04: the 1997 experiments ----------------------------------------

@calls("ch04.distractor_sequence")
def _distractor_sequence(fn, inputs):
    value = fn(int(inputs["second"]), inputs["distractors"].copy(),
               int(inputs["p"]))
    return arrays_of_tuple(value, "distractor_sequence",
                           ("symbols", "target"))


@calls("ch04.adding_targets")
def _adding_targets(fn, inputs):
    return {"targets": to_array(fn(inputs["pairs"].copy()),
                                "adding_targets's return value")}


@calls("ch04.end_error_below")
def _end_error_below(fn, inputs):
    value = fn(inputs["outputs"].copy(), inputs["targets"].copy(),
               inputs["lengths"].copy(), float(inputs["tolerance"]))
    return {"right": to_array(value, "end_error_below's return value")}


@calls("ch04.symbols_right")
def _symbols_right(fn, inputs):
    value = fn(inputs["outputs"].copy(), inputs["targets"].copy(),
               inputs["mask"].astype(bool))
    return {"right": to_array(value, "symbols_right's return value")}


@calls("ch04.sequences_to_solve")
def _sequences_to_solve(fn, inputs):
    value = fn(inputs["seen"].copy(), inputs["test_share"].copy(),
               float(inputs["required"]))
    return {"sequences": to_array(value, "sequences_to_solve's return "
                                         "value")}


# --- chapter 05: the modern LSTM ---------------------------------------------

LSTM_PARAM_PREFIXES = ("W_x", "W_h", "b_")
LSTM_CACHE = ("x_t", "h_prev", "c_prev", "i", "f", "z", "c", "o", "tc")
LSTM_GRADS = tuple(k + g for g in "ifco" for k in LSTM_PARAM_PREFIXES)


def lstm_params(inputs: Arrays) -> Arrays:
    """The weights among a case's inputs: ``W_x*``, ``W_h*``, ``b_*`` and
    the peepholes ``p_*``."""
    return {k: v for k, v in inputs.items()
            if k[:3] in LSTM_PARAM_PREFIXES or k.startswith(("b_", "p_"))}


def _lstm_step(name):
    def call(fn, inputs):
        value = fn(inputs["x_t"], inputs["h_prev"], inputs["c_prev"],
                   lstm_params(inputs))
        return arrays_of_tuple(value, name, ("h_t", "c_t"))
    return call


for _name in ("lstm_step_forward", "peephole_step_forward",
              "cifg_step_forward"):
    calls("ch05." + _name)(_lstm_step(_name))


@calls("ch05.lstm_step_backward")
def _lstm_step_backward(fn, inputs):
    cache = {k: inputs[k] for k in LSTM_CACHE}
    dh_prev, dc_prev, grads = returned_tuple(
        fn(inputs["dh_t"], inputs["dc_t"], cache, lstm_params(inputs)),
        "lstm_step_backward", ("dh_prev", "dc_prev", "grads"))
    return {"dh_prev": to_array(dh_prev, "dh_prev"),
            "dc_prev": to_array(dc_prev, "dc_prev"),
            **_gradient_dict(grads, "grads", LSTM_GRADS)}


@calls("ch05.cerg_targets")
def _cerg_targets(fn, inputs):
    value = fn(inputs["symbols"].copy())
    return {"targets": to_array(value, "cerg_targets's return value")}


# --- chapter 06: the alternatives --------------------------------------------

def gru_params(inputs: Arrays) -> Arrays:
    return {name: value for name, value in inputs.items()
            if name not in ("x_t", "h_prev")}


def dynamics(inputs: Arrays) -> Callable[[np.ndarray], np.ndarray]:
    """The ODE's right-hand side f(h) that ``rk4_step`` integrates: h A
    when the case has ``A``, else tanh(h W + b)."""
    if "A" in inputs:
        return lambda h: h @ inputs["A"]
    return lambda h: np.tanh(h @ inputs["W"] + inputs["b"])


@calls("ch06.gru_step")
def _gru_step(fn, inputs):
    value = fn(inputs["x_t"].copy(), inputs["h_prev"].copy(),
               {k: v.copy() for k, v in gru_params(inputs).items()})
    return {"h_t": to_array(value, "gru_step's return value")}


@calls("ch06.causal_attention")
def _causal_attention(fn, inputs):
    value = fn(inputs["q"].copy(), inputs["k"].copy(), inputs["v"].copy())
    return {"out": to_array(value, "causal_attention's return value")}


@calls("ch06.dilated_causal_conv")
def _dilated_causal_conv(fn, inputs):
    value = fn(inputs["x"].copy(), inputs["kernel"].copy(),
               int(inputs["dilation"]))
    return {"y": to_array(value, "dilated_causal_conv's return value")}


@calls("ch06.series_decomposition")
def _series_decomposition(fn, inputs):
    value = fn(inputs["x"].copy(), int(inputs["kernel_size"]))
    return arrays_of_tuple(value, "series_decomposition",
                           ("trend", "seasonal"))


@calls("ch06.rk4_step")
def _rk4_step(fn, inputs):
    value = fn(dynamics(inputs), inputs["h"].copy(), float(inputs["step"]))
    return {"h_next": to_array(value, "rk4_step's return value")}


# --- calling a submission ----------------------------------------------------

def kind_problem(kind: str, signature: str, parameters, obj) -> str | None:
    """Why ``obj`` cannot be the submission of an exercise of this ``kind``
    ("function" or "class") and ``signature``, or None if it can be called
    with ``parameters``."""
    expected = f"expected {kind} {signature}"
    if kind == "class":
        if not inspect.isclass(obj):
            return f"{expected}, got {_describe(obj)}"
        return None
    if inspect.isclass(obj):
        return f"{expected}, got the class {obj.__name__}"
    if not callable(obj):
        return f"{expected}, got {_describe(obj)}"
    try:
        bound = inspect.signature(obj)
    except (TypeError, ValueError):
        return None  # a builtin or C function: let the call decide
    try:
        bound.bind(*parameters)
    except TypeError:
        return (f"{expected}, but yours is "
                f"{getattr(obj, '__name__', 'it')}{bound}: it must take "
                f"{len(parameters)} arguments ({', '.join(parameters)})")
    return None


def _describe(obj) -> str:
    if obj is None:
        return "None"
    return f"a {type(obj).__name__} ({obj!r:.60})"


def produce(exercise_id: str, kind: str, signature: str, parameters, obj,
            inputs: dict[str, Arrays]) -> dict[str, Any]:
    """Call the submission on each case: ``{case: outputs | error message}``,
    outputs a dict of float64 arrays."""
    problem = kind_problem(kind, signature, parameters, obj)
    if problem:
        return {case: problem for case in inputs}
    call = CALLS[exercise_id]
    results: dict[str, Any] = {}
    for case, case_inputs in inputs.items():
        copies = {name: np.array(value, copy=True)
                  for name, value in case_inputs.items()}
        try:
            results[case] = call(obj, copies)
        except NotImplementedError:
            results[case] = ("not implemented: replace `raise "
                             "NotImplementedError()` with your code")
        except SubmissionError as error:
            results[case] = str(error)
        except Exception as error:  # the student's code raised: report it
            results[case] = (f"your code raised {type(error).__name__}: "
                             f"{str(error)[:300]}")
    return results
