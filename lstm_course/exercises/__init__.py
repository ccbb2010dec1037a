"""The graded exercises, shared by the in-notebook :func:`lstm_course.check`
and the grader: what an exercise is (:mod:`.registry`) and every exercise of
the chapters (:mod:`.catalog`)."""

from lstm_course.exercises.catalog import CATALOG, all_exercises, get
from lstm_course.exercises.registry import (
    Case,
    Exercise,
    ExerciseResult,
    SubCheck,
    SubCheckResult,
    SubmissionError,
    evaluate,
    produce,
    score,
)

__all__ = [
    "CATALOG", "Case", "Exercise", "ExerciseResult", "SubCheck",
    "SubCheckResult", "SubmissionError", "all_exercises", "evaluate", "get",
    "produce", "score",
]
