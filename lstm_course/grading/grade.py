"""Grading paths: one notebook, a student's folder of chapters, or a class
(a folder of students' folders). Hand-ins are only read, never written;
inside them no symbolic link is followed, and each chapter counts once per
student. Whatever goes wrong with one hand-in (an unreadable file, a
grader error) scores that hand-in zero with the reason, never the run.
"""

from __future__ import annotations

import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from lstm_course.exercises.catalog import all_exercises
from lstm_course.exercises.registry import ExerciseResult
from lstm_course.grading import policy
from lstm_course.grading.defaults import EXERCISE_TIMEOUT
from lstm_course.grading.handin import HandinError, load_handin
from lstm_course.grading.runner import Pending, failed, run_exercises
from lstm_course.grading.sandbox import Sandbox

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
    sandbox: str = ""  # how student code was isolated, for the reports
    #: the students graded here, by their place in the whole class found
    #: (what merging shards sorts by)
    order: dict[str, int] = field(default_factory=dict)
    shard: tuple[int, int] | None = None  # (I, N) of ``grade --shard I/N``

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


def display(name: str) -> str:
    """A file name as text any report can hold: bytes that are not UTF-8
    (kept by Python as lone surrogates) become ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Found:
    """A notebook found for a student; ``problem`` says why it cannot be
    read (a symbolic link, not a regular file)."""

    student: str
    notebook: Path
    root: Path
    problem: str = ""


LINK = ("a symbolic link; hand in real files and folders (links are not "
        "followed)")


def _walk(folder: Path):
    """``(path, problem)`` for every ``*.ipynb`` below ``folder``, without
    following symbolic links."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            if entry.name.endswith(".ipynb"):
                yield path, LINK
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.name.endswith(".ipynb"):
            regular = entry.is_file(follow_symlinks=False)
            yield path, "" if regular else "not a regular file"


def discover(paths: list[Path]) -> list[Found]:
    """Every hand-in under ``paths``.

    A notebook is one student's; a folder with notebooks directly in it (or
    in its ``chapters/``) is one student; any other folder is a class whose
    sub-folders are students. A student's folder that is a symbolic link is
    reported, not followed.
    """
    found = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_file():
            if path.suffix != ".ipynb":
                raise UsageError(f"{path}: not a notebook (.ipynb)")
            found.append(Found(display(path.stem), path, path.parent))
        elif list(path.glob("*.ipynb")) or list(path.glob("chapters/*.ipynb")):
            found += [Found(display(path.resolve().name), nb, path, problem)
                      for nb, problem in _walk(path)]
        else:
            before = len(found)
            for entry in sorted(os.scandir(path), key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink() and (entry.is_dir()
                                           or entry.name.endswith(".ipynb")):
                    found.append(Found(display(entry.name), Path(entry.path),
                                       path, LINK))
                elif entry.is_dir(follow_symlinks=False):
                    found += [Found(display(entry.name), nb, path, problem)
                              for nb, problem in _walk(Path(entry.path))]
            if len(found) == before:
                raise UsageError(f"{path}: no notebooks found in it or in "
                                 "its sub-folders")
    return found


def relative_path(found: Found) -> str:
    notebook, root = found.notebook, found.root
    return display(str(notebook.relative_to(root))
                   if notebook.is_relative_to(root) else str(notebook))


@dataclass
class Prepared:
    """A notebook before anything of it runs: its :class:`Submission`, the
    results known already (missing cells, policy refusals), and the
    exercises left to run."""

    submission: Submission
    results: dict[str, ExerciseResult] = field(default_factory=dict)
    to_run: list[Pending] = field(default_factory=list)


def prepare_notebook(found: Found) -> Prepared:
    """Read a notebook and decide what can be decided without running it."""
    submission = Submission(found.student, relative_path(found))
    expected = chapter_exercises(found.notebook)
    if not expected:
        submission.error = found.problem or (
            "the file name does not start with a chapter number (NN_...) "
            "that has graded exercises")
        return Prepared(submission)
    try:
        if found.problem:
            raise HandinError(found.problem)
        handin = load_handin(found.notebook, [e.id for e in expected])
    except HandinError as error:
        submission.error = str(error)
        submission.exercises = [failed(e, "error", f"not graded: {error}")
                                for e in expected]
        return Prepared(submission)
    except OSError as error:
        submission.error = f"cannot read the file: {error.strerror}"
        submission.exercises = [failed(e, "error", submission.error)
                                for e in expected]
        return Prepared(submission)
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
            to_run.append(Pending(exercise, source, handin.imports))
    return Prepared(submission, results, to_run)


def _chapter(found: Found) -> str:
    match = CHAPTER.match(found.notebook.name)
    return match[1] if match else ""


def one_copy_per_chapter(found: list[Found]):
    """``(graded, duplicates)``: of a student's notebooks of one chapter the
    readable one nearest the top of their folder is graded (then by name);
    the others are reported and not counted."""
    graded: dict[str, Found] = {}
    others: list[Found] = []
    for item in sorted(found, key=lambda f: (
            bool(f.problem), len(f.notebook.parts), str(f.notebook))):
        chapter = _chapter(item)
        if chapter and chapter in graded:
            others.append(item)
        else:
            graded[chapter or str(item.notebook)] = item
    ordered = [f for f in found if f in graded.values()]
    duplicates = [
        Submission(f.student, relative_path(f), error=(
            f"chapter {_chapter(f)} is handed in more than once; only "
            f"{relative_path(graded[_chapter(f)])} is graded and counted"))
        for f in others]
    return ordered, duplicates


def grade_student(found: list[Found], seed: int, timeout: float,
                  sandbox: Sandbox) -> list[Submission]:
    """Grade one student's notebooks: each chapter once, its exercises run
    together in one sandboxed worker (TensorFlow is imported once per
    student, not once per notebook). Any failure of the grader on them
    scores them zero with the reason."""
    notebooks, duplicates = one_copy_per_chapter(found)
    prepared = [_prepare_or_fail(item) for item in notebooks]
    _run_student(prepared, seed, timeout, sandbox)
    for notebook, item in zip(prepared, notebooks):
        if notebook.results:
            notebook.submission.exercises = [
                notebook.results[e.id]
                for e in chapter_exercises(item.notebook)]
    return [n.submission for n in prepared] + duplicates


def _prepare_or_fail(item: Found) -> Prepared:
    """:func:`prepare_notebook`, or the notebook scored zero with the
    reason if the grader fails on it."""
    try:
        return prepare_notebook(item)
    except Exception as error:  # noqa: BLE001 - one hand-in, not the run
        submission = Submission(item.student, relative_path(item))
        submission.error = _grader_error(error)
        submission.exercises = [failed(e, "error", submission.error)
                                for e in chapter_exercises(item.notebook)]
        return Prepared(submission)


def _run_student(prepared: list[Prepared], seed: int, timeout: float,
                 sandbox: Sandbox) -> None:
    """Run every notebook's exercises left to run together and add their
    results to each notebook's."""
    to_run = [item for notebook in prepared for item in notebook.to_run]
    if not to_run:
        return
    try:
        ran = run_exercises(to_run, seed, timeout, sandbox)
    except Exception as error:  # noqa: BLE001 - one student, not the run
        ran = {item.exercise.id: failed(item.exercise, "error",
                                        _grader_error(error))
               for item in to_run}
    for notebook in prepared:
        notebook.results.update({item.exercise.id: ran[item.exercise.id]
                                 for item in notebook.to_run})


def _grader_error(error: Exception) -> str:
    return (f"the grader could not grade this hand-in "
            f"({type(error).__name__}); tell your instructor")


def grade(paths: list[Path], seed: int | None = None,
          timeout: float = EXERCISE_TIMEOUT,
          jobs: int = 1, sandbox: Sandbox | None = None,
          keep=None, student: str | None = None) -> GradingRun:
    """Grade every hand-in under ``paths`` with inputs drawn from ``seed``
    (a fresh random one when None; it is part of the result either way),
    student code isolated by ``sandbox`` (default: bubblewrap, required);
    only the students for whom ``keep(name)`` is true, if given; every
    notebook found as one ``student``'s, if given (one upload, however its
    folders are laid out)."""
    if timeout <= 0:
        raise UsageError(f"--timeout must be > 0 seconds, got {timeout:g}")
    if jobs < 1:
        raise UsageError(f"--jobs must be >= 1, got {jobs}")
    seed = secrets.randbelow(2**31) if seed is None else seed
    if seed < 0:
        raise UsageError(f"--seed must be >= 0, got {seed}")
    if sandbox is None:
        from lstm_course.grading.sandbox import find

        sandbox = find("required")
    students: dict[str, list[Found]] = {}
    for found in discover(paths):
        if student is not None:
            found = replace(found, student=student)
        students.setdefault(found.student, []).append(found)
    order = {student: i for i, student in enumerate(students)}
    if keep is not None:
        students = {s: f for s, f in students.items() if keep(s)}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(
            lambda found: grade_student(found, seed, timeout, sandbox),
            students.values()))
    return GradingRun(seed, [s for submissions in graded
                             for s in submissions], sandbox.description,
                      order={s: order[s] for s in students})
