"""The in-notebook check: immediate feedback on an exercise, from the same
exercise the grader scores with."""

from __future__ import annotations

from lstm_course.exercises.catalog import get
from lstm_course.exercises.registry import (
    DEFAULT_SEED,
    ExerciseResult,
    evaluate,
)


def check(exercise_id: str, obj, seed: int = DEFAULT_SEED) -> ExerciseResult:
    """Check a student's function or class against the exercise's reference.

    Prints one line per sub-check (passed, or what failed: expected vs got,
    the inputs' shapes, a hint) and returns the result, whose repr is a
    one-line summary.

    >>> check("ch01.rnn_step_forward", lambda x_t, h_prev, params: 0)
    ... # doctest: +ELLIPSIS
    ch01.rnn_step_forward: one step of the Elman RNN (2 points)
      [FAIL] one example: h_t: expected shape (1, 4), got () ...
    ...
    """
    exercise = get(exercise_id)
    result = evaluate(exercise, obj, seed)
    print(result.report())
    return result
