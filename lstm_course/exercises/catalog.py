"""Every graded exercise, by id: each chapter module exports its own in
``EXERCISES``, and this is the one place that lists the chapters."""

from __future__ import annotations

from lstm_course.exercises import ch00, ch01, ch02, ch03, ch04, ch05, ch06
from lstm_course.exercises.registry import Exercise

CHAPTERS = (ch00, ch01, ch02, ch03, ch04, ch05, ch06)


def collect(exercises) -> dict[str, Exercise]:
    """``{id: exercise}`` sorted by id; an id given twice is refused."""
    catalog = {}
    for exercise in exercises:
        if exercise.id in catalog:
            raise ValueError(f"exercise {exercise.id!r} is given twice")
        catalog[exercise.id] = exercise
    return dict(sorted(catalog.items()))


CATALOG = collect(exercise for chapter in CHAPTERS
                  for exercise in chapter.EXERCISES)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id, or a KeyError listing the known ids."""
    if not isinstance(exercise_id, str) or exercise_id not in CATALOG:
        raise KeyError(f"no exercise {exercise_id!r}; known ids: "
                       f"{', '.join(CATALOG)}")
    return CATALOG[exercise_id]


def all_exercises() -> list[Exercise]:
    """Every exercise, sorted by id."""
    return list(CATALOG.values())
