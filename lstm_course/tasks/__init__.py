"""Sequence tasks: seeded generators of ``(inputs, targets)`` float32 arrays."""

from lstm_course.tasks.adding import TRIVIAL_MSE, adding_problem
from lstm_course.tasks.irregular import irregular_sine
from lstm_course.tasks.recall import RECALL_TRIVIAL_MSE, delayed_recall

__all__ = ["RECALL_TRIVIAL_MSE", "TRIVIAL_MSE", "adding_problem",
           "delayed_recall", "irregular_sine"]
