"""Grading paths: one notebook, a student's folder of chapters, or a class
(a folder of students' folders). Hand-ins are only read, never written.
"""

from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lstm_course.exercises.registry import ExerciseResult, all_exercises
from lstm_course.grading import policy
from lstm_course.grading.handin import HandinError, load_handin
from lstm_course.grading.runner import failed, run_exercises

CHAPTER = re.compile(r"^(\d\d)_")


class UsageError(ValueError):
    """A grading command that cannot run as asked (exit status 2)."""


@dataclass
class Submission:
    """One graded notebook of one student."""

    student: str
    path: str  # relative to the PATH graded
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str = ""  # why the notebook could not be graded at all

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)


@dataclass
class GradingRun:
    seed: int
    submissions: list[Submission]

    def students(self) -> dict[str, list[Submission]]:
        grouped: dict[str, list[Submission]] = {}
        for submission in self.submissions:
            grouped.setdefault(submission.student, []).append(submission)
        return grouped


def chapter_exercises(notebook: Path):
    """The registry's exercises for the chapter a notebook's name gives."""
    match = CHAPTER.match(notebook.name)
    exercises = all_exercises()
    if match:
        prefix = f"ch{match[1]}."
        return [e for e in exercises if e.id.startswith(prefix)]
    return []


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and p.is_file())


def discover(paths: list[Path]) -> list[tuple[str, Path, Path]]:
    """``(student, notebook, root)`` for every hand-in under ``paths``.

    A notebook is one student's; a folder with notebooks directly in it (or
    in its ``chapters/``) is one student; any other folder is a class whose
    sub-folders are students.
    """
    found = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_file():
            if path.suffix != ".ipynb":
                raise UsageError(f"{path}: not a notebook (.ipynb)")
            found.append((path.stem, path, path.parent))
        elif list(path.glob("*.ipynb")) or list(path.glob("chapters/*.ipynb")):
            found += [(path.resolve().name, nb, path)
                      for nb in _notebooks(path)]
        else:
            students = [d for d in sorted(path.iterdir()) if d.is_dir()
                        and not d.name.startswith(".") and _notebooks(d)]
            if not students:
                raise UsageError(f"{path}: no notebooks found in it or in "
                                 "its sub-folders")
            found += [(d.name, nb, path) for d in students
                      for nb in _notebooks(d)]
    return found


def prepare_notebook(student: str, notebook: Path, root: Path):
    """A notebook's :class:`Submission`, the results known without running
    anything (missing cells, policy refusals), and the ``(exercise, source,
    imports)`` left to run."""
    relative = str(notebook.relative_to(root)) if notebook.is_relative_to(
        root) else str(notebook)
    submission = Submission(student, relative)
    expected = chapter_exercises(notebook)
    if not expected:
        submission.error = ("the file name does not start with a chapter "
                            "number (NN_...) that has graded exercises")
        return submission, {}, []
    try:
        handin = load_handin(notebook, [e.id for e in expected])
    except HandinError as error:
        submission.error = str(error)
        submission.exercises = [failed(e, "error", f"not graded: {error}")
                                for e in expected]
        return submission, {}, []
    except OSError as error:
        submission.error = f"cannot read the file: {error.strerror}"
        submission.exercises = [failed(e, "error", submission.error)
                                for e in expected]
        return submission, {}, []
    problem_imports = policy.syntax_problem(handin.imports, "imports cell")
    results, to_run = {}, []
    for exercise in expected:
        source = handin.cells.get(exercise.id)
        if source is None:
            results[exercise.id] = failed(exercise, "missing",
                                          handin.problems[exercise.id])
            continue
        problem = problem_imports or policy.syntax_problem(
            source, "exercise cell") or policy.reference_problem(
            source, handin.imports, exercise.references)
        if problem:
            results[exercise.id] = failed(exercise, "error",
                                          f"not run: {problem}")
        else:
            to_run.append((exercise, source, handin.imports))
    return submission, results, to_run


def grade_student(student: str, notebooks: list[tuple[Path, Path]],
                  seed: int, timeout: float) -> list[Submission]:
    """Grade one student's notebooks ``(notebook, root)``.

    Their exercises run together, in as few workers as their ids allow
    (TensorFlow is imported once per worker, not once per notebook); a
    chapter handed in twice goes to a second worker."""
    prepared = [prepare_notebook(student, notebook, root)
                for notebook, root in notebooks]
    batches: list[list[int]] = []  # notebook indices, no id twice in one
    for index, (_, _, to_run) in enumerate(prepared):
        ids = {exercise.id for exercise, _, _ in to_run}
        for batch in batches:
            if not ids & {e.id for i in batch for e, _, _ in prepared[i][2]}:
                batch.append(index)
                break
        else:
            batches.append([index])
    for batch in batches:
        to_run = [item for i in batch for item in prepared[i][2]]
        if to_run:
            ran = run_exercises(to_run, seed, timeout)
            for i in batch:
                prepared[i][1].update(
                    {e.id: ran[e.id] for e, _, _ in prepared[i][2]})
    submissions = []
    for (submission, results, _), (notebook, _) in zip(prepared, notebooks):
        if results:
            submission.exercises = [results[e.id]
                                    for e in chapter_exercises(notebook)]
        submissions.append(submission)
    return submissions


def grade(paths: list[Path], seed: int | None = None, timeout: float = 60.0,
          jobs: int = 1) -> GradingRun:
    """Grade every hand-in under ``paths`` with inputs drawn from ``seed``
    (a fresh random one when None; it is part of the result either way)."""
    if timeout <= 0:
        raise UsageError(f"--timeout must be > 0 seconds, got {timeout:g}")
    if jobs < 1:
        raise UsageError(f"--jobs must be >= 1, got {jobs}")
    seed = secrets.randbelow(2**31) if seed is None else seed
    if seed < 0:
        raise UsageError(f"--seed must be >= 0, got {seed}")
    students: dict[str, list[tuple[Path, Path]]] = {}
    for student, notebook, root in discover(paths):
        students.setdefault(student, []).append((notebook, root))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(
            lambda item: grade_student(*item, seed=seed, timeout=timeout),
            students.items()))
    return GradingRun(seed, [s for submissions in graded
                             for s in submissions])
