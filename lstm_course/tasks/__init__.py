"""Sequence tasks: seeded generators of ``(inputs, targets)`` float32 arrays."""

from lstm_course.tasks.recall import recall_accuracy, remember_first

__all__ = ["recall_accuracy", "remember_first"]
