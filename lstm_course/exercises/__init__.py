"""The exercise registry: one entry per graded exercise, shared by the
in-notebook :func:`lstm_course.check` and the grader."""

from lstm_course.exercises.registry import (
    Case,
    Exercise,
    ExerciseResult,
    SubCheck,
    SubCheckResult,
    SubmissionError,
    all_exercises,
    evaluate,
    get,
    produce,
    register,
    score,
)

__all__ = [
    "Case", "Exercise", "ExerciseResult", "SubCheck", "SubCheckResult",
    "SubmissionError", "all_exercises", "evaluate", "get", "produce",
    "register", "score",
]
