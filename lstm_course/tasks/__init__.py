"""Sequence tasks: seeded generators of ``(inputs, targets)`` float32 arrays."""

from lstm_course.tasks.adding import TRIVIAL_MSE, adding_problem

__all__ = ["TRIVIAL_MSE", "adding_problem"]
