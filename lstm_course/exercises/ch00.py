"""Chapter 00 exercises: the seasonal naive forecast and the mean absolute
scaled error (MASE)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.forecast import baselines, metrics

REFERENCE = ("lstm_course.forecast",)


# --- ch00.seasonal_naive ----------------------------------------------------

def _seasonal_case(lookback, horizon, season):
    def make(rng):
        return {"inputs": rng.normal(size=(5, lookback)),
                "horizon": np.array(horizon), "season": np.array(season)}
    return make


def _ref_seasonal(inputs):
    return {"forecasts": baselines.seasonal_naive(
        inputs["inputs"], int(inputs["horizon"]), int(inputs["season"]))}


SEASONAL_NAIVE = Exercise(
    id="ch00.seasonal_naive",
    title="the seasonal naive forecast",
    points=2,
    kind="function",
    signature="seasonal_naive(inputs, horizon, season)",
    parameters=("inputs", "horizon", "season"),
    cases=(
        Case(name="horizon within a season",
             make_inputs=_seasonal_case(24, 6, 12),
             checks=(
                 SubCheck(name="horizon within a season",
                          outputs=("forecasts",), share=0.5,
                          hint="Step h of the forecast (h = 0, 1, ...) "
                               "repeats the value one season before it: "
                               "inputs[:, L - season + h]."),
             )),
        Case(name="horizon beyond a season",
             make_inputs=_seasonal_case(15, 10, 4),
             checks=(
                 SubCheck(name="horizon beyond a season",
                          outputs=("forecasts",), share=0.5,
                          hint="Past one season, start the last season over: "
                               "step h uses inputs[:, L - season + (h % "
                               "season)]."),
             )),
    ),
    reference=_ref_seasonal,
    references=REFERENCE,
)


# --- ch00.mase --------------------------------------------------------------

def _mase_case(season):
    def make(rng):
        train = np.cumsum(rng.normal(size=60)) + 10 * np.sin(
            np.arange(60) * 2 * np.pi / 12)
        targets = rng.normal(size=(4, 6))
        return {"targets": targets,
                "forecasts": targets + rng.normal(scale=0.5, size=(4, 6)),
                "train": train, "season": np.array(season)}
    return make


def _ref_mase(inputs):
    return {"mase": np.array(metrics.mase(
        inputs["targets"], inputs["forecasts"], inputs["train"],
        int(inputs["season"])))}


MASE = Exercise(
    id="ch00.mase",
    title="the mean absolute scaled error",
    points=2,
    kind="function",
    signature="mase(targets, forecasts, train, season)",
    parameters=("targets", "forecasts", "train", "season"),
    cases=(
        Case(name="season 1", make_inputs=_mase_case(1), checks=(
            SubCheck(name="season 1", outputs=("mase",), share=0.5,
                     hint="MASE = mean |targets - forecasts| divided by the "
                          "mean |train[t] - train[t - 1]| over the training "
                          "series."),
        )),
        Case(name="season 12", make_inputs=_mase_case(12), checks=(
            SubCheck(name="season 12", outputs=("mase",), share=0.5,
                     hint="With a season m, the scale is the seasonal naive "
                          "forecast's in-sample error: mean |train[t] - "
                          "train[t - m]| for t = m, ..., len(train) - 1."),
        )),
    ),
    reference=_ref_mase,
    references=REFERENCE,
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (SEASONAL_NAIVE, MASE)
