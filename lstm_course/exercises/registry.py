"""What an exercise is: its inputs, how a submission is called, the
reference, and the sub-checks that score the difference (design doc,
section 8). The exercises themselves are the chapters' (``ch00`` ...
``ch06``, each exporting ``EXERCISES``), collected in :mod:`.catalog`.

An evaluation has two halves, so that the grader can run them in different
processes:

- :func:`produce` calls the submission on the inputs of every case and
  returns plain float64 arrays (this half runs the student's code);
- :func:`score` computes the reference on the same inputs and compares
  (this half never runs the student's code).

:func:`evaluate` does both in one process, for the in-notebook check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from lstm_course.exercises.compare import compare, describe_inputs
from lstm_course.sandboxed import calls
from lstm_course.sandboxed.convert import SubmissionError  # noqa: F401

Arrays = dict[str, np.ndarray]
DEFAULT_SEED = 0
STATUSES = ("passed", "partial", "failed", "error", "timeout", "missing")


@dataclass(frozen=True, kw_only=True)
class SubCheck:
    """Compares some outputs of its case with the reference's; earns
    ``share`` of the exercise's points."""

    name: str
    outputs: tuple[str, ...]
    share: float
    hint: str
    rtol: float = 1e-6
    atol: float = 1e-8


@dataclass(frozen=True, kw_only=True)
class Case:
    """A named input set, drawn from a seeded generator, and the sub-checks
    that score a submission's outputs on it."""

    name: str
    make_inputs: Callable[[np.random.Generator], Arrays]
    checks: tuple[SubCheck, ...]


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One graded exercise.

    How the submission ``obj`` is called is the exercise's entry in
    :data:`lstm_course.sandboxed.calls.CALLS` (:attr:`run`), which runs
    beside the student's code; ``reference(inputs)`` returns the expected
    dict and runs only where the score is decided.
    ``signature`` is what the student sees, ``parameters`` the positional
    parameters the submission must accept.
    """

    id: str
    title: str
    points: float
    kind: str  # "function" or "class"
    signature: str
    parameters: tuple[str, ...]
    cases: tuple[Case, ...]
    reference: Callable[[Arrays], Arrays]
    references: tuple[str, ...] = ()  # package names a submission may not use

    def __post_init__(self):
        if self.id not in calls.CALLS:
            raise ValueError(f"{self.id}: no calling convention in "
                             "lstm_course.sandboxed.calls.CALLS")
        if self.kind not in ("function", "class"):
            raise ValueError(f"{self.id}: kind must be 'function' or "
                             f"'class', got {self.kind!r}")
        for case in self.cases:
            if not case.checks:
                raise ValueError(f"{self.id}: case {case.name!r} has no "
                                 "sub-checks")
        total = sum(sub.share for _, sub in self.subchecks)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"{self.id}: sub-check shares sum to {total}, "
                             "expected 1")

    @property
    def subchecks(self) -> tuple[tuple[Case, SubCheck], ...]:
        """Every ``(case, sub-check)``, case by case."""
        return tuple((case, sub) for case in self.cases for sub in case.checks)

    @property
    def run(self) -> Callable[[Any, Arrays], Arrays]:
        """``run(obj, inputs)``: call the submission, return its outputs."""
        return calls.CALLS[self.id]

    @property
    def name(self) -> str:
        """The function or class name the exercise cell defines."""
        return self.signature.split("(")[0]


@dataclass
class SubCheckResult:
    name: str
    passed: bool
    points: float
    max_points: float
    message: str = ""
    hint: str = ""


@dataclass
class ExerciseResult:
    """The outcome of one exercise; its text is what a student reads."""

    id: str
    title: str
    max_score: float
    subchecks: list[SubCheckResult] = field(default_factory=list)
    error: str = ""  # set when nothing could be scored (wrong kind, crash)
    status_override: str = ""  # "timeout", "missing", ... from the grader

    @property
    def score(self) -> float:
        return round(sum(sub.points for sub in self.subchecks), 6)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def status(self) -> str:
        if self.status_override:
            return self.status_override
        if self.error:
            return "error"
        if all(sub.passed for sub in self.subchecks):
            return "passed"
        return "partial" if self.score > 0 else "failed"

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        failed = [sub for sub in self.subchecks if not sub.passed]
        return "; ".join(f"{sub.name}: {sub.message}" for sub in failed)

    def report(self) -> str:
        """Plain-text feedback, one line per sub-check."""
        lines = [f"{self.id}: {self.title} ({self.max_score:g} points)"]
        if self.error:
            lines.append(f"  [FAIL] {self.error}")
        for sub in [] if self.error else self.subchecks:
            if sub.passed:
                lines.append(f"  [pass] {sub.name}")
            else:
                lines.append(f"  [FAIL] {sub.name}: {sub.message}")
                if sub.hint:
                    lines.append(f"         hint: {sub.hint}")
        passed = sum(sub.passed for sub in self.subchecks)
        lines.append(f"  {passed}/{len(self.subchecks)} sub-checks passed, "
                     f"{self.score:g}/{self.max_score:g} points")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<{self.id}: {self.status}, "
                f"{self.score:g}/{self.max_score:g} points>")


def case_rng(seed: int, exercise_id: str, case: str) -> np.random.Generator:
    """An independent generator per (seed, exercise, case), stable across
    Python versions and platforms."""
    digest = hashlib.sha256(f"{exercise_id}/{case}".encode()).digest()
    words = np.frombuffer(digest[:16], dtype="<u4").tolist()
    return np.random.default_rng([int(seed), *words])


def draw_inputs(exercise: Exercise, seed: int = DEFAULT_SEED) -> dict[str, Arrays]:
    """The inputs of every case for this seed: ``{case name: inputs}``."""
    return {case.name: case.make_inputs(case_rng(seed, exercise.id, case.name))
            for case in exercise.cases}


def kind_problem(exercise: Exercise, obj) -> str | None:
    """Why ``obj`` cannot be the submission, or None if it can be called."""
    return calls.kind_problem(exercise.kind, exercise.signature,
                              exercise.parameters, obj)


def produce(exercise: Exercise, obj, inputs: dict[str, Arrays]) -> dict[str, Any]:
    """Call the submission on each case: ``{case: outputs | error message}``.

    This is the half that runs student code (in the grader, inside its
    sandbox): each case's value is either a dict of float64 arrays or a
    string saying why there is none.
    """
    return calls.produce(exercise.id, exercise.kind, exercise.signature,
                         exercise.parameters, obj, inputs)


def score(exercise: Exercise, inputs: dict[str, Arrays],
          produced: dict[str, Any]) -> ExerciseResult:
    """Compare produced outputs with the reference; never runs student code."""
    result = ExerciseResult(exercise.id, exercise.title, exercise.points)
    values = list(produced.values())
    if values and all(isinstance(value, str) for value in values) \
            and len(set(values)) == 1:
        result.error = values[0]  # one cause for every case: say it once
    expected = {case: exercise.reference(case_inputs)
                for case, case_inputs in inputs.items()}
    for case, sub in exercise.subchecks:
        max_points = exercise.points * sub.share
        got = produced.get(case.name, "no result")
        if isinstance(got, str):
            message = got
        else:
            message = _compare_outputs(sub, expected[case.name], got)
            if message:
                message += f" (inputs: {describe_inputs(inputs[case.name])})"
        passed = message is None
        result.subchecks.append(SubCheckResult(
            sub.name, passed, max_points if passed else 0.0, max_points,
            message or "", "" if passed else sub.hint))
    return result


def _compare_outputs(sub: SubCheck, expected: Arrays, got: Arrays) -> str | None:
    for name in sub.outputs:
        if name not in got:
            return f"{name}: missing from what your code returned"
        problem = compare(name, expected[name], got[name], sub.rtol, sub.atol)
        if problem:
            return problem
    return None


def evaluate(exercise: Exercise, obj, seed: int = DEFAULT_SEED) -> ExerciseResult:
    """:func:`produce` then :func:`score`, in this process."""
    inputs = draw_inputs(exercise, seed)
    return score(exercise, inputs, produce(exercise, obj, inputs))
