"""The scorer's side of a grading run: draw inputs, start a sandboxed worker
for a student, read its frames, score what came back.

Student code never runs in this process, and the references, expected
outputs and scores never leave it. What the worker sends is only read as
frames (:mod:`lstm_course.sandboxed.frames`: a bounded JSON header and raw
float64 arrays); a frame for an exercise that is not running, malformed or
over the limits counts as no result. This process ends only what it started
itself: the worker's process group (and with it the sandbox).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from typing import NamedTuple

import numpy as np

from lstm_course.exercises.registry import (
    Exercise,
    ExerciseResult,
    draw_inputs,
    score,
)
from lstm_course.grading.sandbox import Sandbox
from lstm_course.sandboxed import frames

STARTUP_S = 180  # importing TensorFlow on a slow machine
MARGIN_S = 30  # the worker's own bookkeeping around one exercise
MESSAGE_CHARS = 500


class Pending(NamedTuple):
    """An exercise of one student's notebook left to run: the student's
    cell for it and the notebook's imports cell."""

    exercise: Exercise
    source: str
    imports: str


def failed(exercise: Exercise, status: str, message: str) -> ExerciseResult:
    result = ExerciseResult(exercise.id, exercise.title, exercise.points)
    result.error = message
    result.status_override = status
    return result


def job_frame(pending: list[Pending], inputs, scratch: str, timeout: float,
              memory_mb: int) -> bytes:
    """The worker's job: each exercise's cells and calling convention, and
    the inputs drawn for it (arrays ``"exercise.case.input"``)."""
    exercises, arrays = [], {}
    for i, (exercise, source, imports) in enumerate(pending):
        cases = []
        for j, (case, values) in enumerate(inputs[exercise.id].items()):
            cases.append([case, list(values)])
            for k, value in enumerate(values.values()):
                arrays[f"{i}.{j}.{k}"] = np.asarray(value)
        exercises.append({
            "id": exercise.id, "name": exercise.name, "kind": exercise.kind,
            "signature": exercise.signature,
            "parameters": list(exercise.parameters), "source": source,
            "imports": imports, "cases": cases})
    return frames.encode({"kind": "job", "scratch": scratch,
                          "timeout": timeout, "memory_mb": memory_mb,
                          "exercises": exercises}, arrays)


def produced_of(header: dict, arrays: dict, cases) -> dict | None:
    """``{case: outputs | message}`` from a result frame, or None when the
    frame does not answer exactly these ``cases`` with float64 arrays."""
    errors, outputs = header.get("errors"), header.get("outputs")
    if not isinstance(errors, dict) or not isinstance(outputs, dict) \
            or list(errors) != list(cases) or list(outputs) != list(cases):
        return None
    produced, used = {}, 0
    for j, case in enumerate(cases):
        error, names = errors[case], outputs[case]
        if isinstance(error, str):
            produced[case] = error[:MESSAGE_CHARS]
            continue
        if error is not None or not isinstance(names, list) or not all(
                isinstance(name, str) for name in names):
            return None
        values = {}
        for k, name in enumerate(names):
            array = arrays.get(f"{j}.{k}")
            if array is None or array.dtype != np.float64:
                return None
            values[name[:100]] = array
        used += len(names)
        produced[case] = values
    return produced if used == len(arrays) else None


def run_exercises(exercises: list[Pending], seed: int, timeout: float,
                  sandbox: Sandbox, memory_mb: int = 2048
                  ) -> dict[str, ExerciseResult]:
    """Run the exercises of one student in sandboxed workers and score the
    results; the exercises' ids must differ.

    A worker that dies or hangs costs only the exercise it was running;
    the rest go to a fresh worker.
    """
    results: dict[str, ExerciseResult] = {}
    inputs = {item.exercise.id: draw_inputs(item.exercise, seed)
              for item in exercises}
    pending = list(exercises)
    while pending:
        _run_worker(pending, inputs, results, sandbox, timeout, memory_mb)
        pending = [item for item in pending
                   if item.exercise.id not in results]
    return results


def _start(sandbox: Sandbox, job: bytes, scratch: str | None):
    process = subprocess.Popen(
        sandbox.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=None if os.environ.get("LSTM_COURSE_GRADER_DEBUG")
        else subprocess.DEVNULL, **sandbox.popen_options(scratch))
    try:
        process.stdin.write(job)
        process.stdin.close()
    except OSError:  # the worker is gone already: the reader will say so
        pass
    return process


def _stop(process) -> None:
    """End the worker's process group, which this process made."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    process.stdout.close()


def _run_worker(pending: list[Pending], inputs, results, sandbox, timeout,
                memory_mb) -> None:
    """One worker for the ``pending`` exercises: start it, score what it
    sends until it is done, stops or hangs, then account for the exercise
    it left without a result."""
    by_id = {item.exercise.id: item.exercise for item in pending}
    # Bubblewrap gives the worker a scratch folder of its own; only the
    # weaker mode needs one made here.
    folder = contextlib.nullcontext() if sandbox.isolated else \
        tempfile.TemporaryDirectory(prefix="lstm-course-grade-")
    with folder as scratch:
        job = job_frame(pending, inputs, sandbox.scratch(scratch), timeout,
                        memory_mb)
        process = _start(sandbox, job, scratch)
        try:
            running = _score_frames(process, by_id, inputs, results, timeout)
        finally:
            _stop(process)
    _account_for_stop(running, by_id, results)


def _score_frames(process, by_id, inputs, results, timeout) -> str | None:
    """Score each result frame the worker sends for the exercise it said it
    started; return the id of the exercise still running when the worker
    stopped, hung or sent something that is not a frame (None if none)."""
    reader = frames.FrameReader(process.stdout.fileno())
    running = None
    deadline = time.monotonic() + STARTUP_S + timeout + MARGIN_S
    while True:
        try:
            frame = reader.next(deadline)
        except frames.FrameError:
            return running
        if frame is None:
            return running
        header, arrays = frame
        kind, exercise_id = header.get("kind"), header.get("id")
        if kind == "done":
            return running
        if kind == "start" and exercise_id in by_id \
                and exercise_id not in results:
            running = exercise_id
            deadline = time.monotonic() + timeout + MARGIN_S
        elif running is not None and exercise_id == running:
            results[running] = _result(by_id[running], kind, header,
                                       arrays, inputs[running])
            running = None


def _account_for_stop(running, by_id, results) -> None:
    """The exercise a worker stopped in scores zero; a worker that stopped
    before any exercise started costs the first one (the next worker
    starts on the rest)."""
    if running is not None:
        results[running] = failed(
            by_id[running], "error", "the grading worker stopped while "
            "running your code, without a valid result (did your code end "
            "or stop it, or send something else?)")
    elif not results.keys() & by_id.keys():
        first = next(iter(by_id))
        results[first] = failed(by_id[first], "error", "the grading worker "
                                "could not start (the imports cell?)")


def _result(exercise, kind, header, arrays, inputs) -> ExerciseResult:
    if kind in ("timeout", "error"):
        return failed(exercise, kind,
                      str(header.get("message"))[:MESSAGE_CHARS])
    produced = produced_of(header, arrays, list(inputs)) \
        if kind == "result" else None
    if produced is None:
        return failed(exercise, "error", "no valid result record came back "
                      "from your code")
    return score(exercise, inputs, produced)
