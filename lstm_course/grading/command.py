"""``lstm-course grade`` and ``lstm-course init-student-repo``: the
functions behind the commands, which own the defaults and the checks."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from lstm_course.grading import reports
from lstm_course.grading.grade import GradingRun, UsageError, grade
from lstm_course.grading.sandbox import find as find_sandbox

WORKFLOW = ".github/workflows/lstm-course-grade.yml"


def _inside(path: Path, folders: list[Path]) -> bool:
    path = path.resolve()
    return any(path == f or f in path.parents for f in folders)


def check_outputs(paths: list[Path], outputs: dict[str, Path | None]) -> None:
    """Refuse to write any report inside a hand-in being graded."""
    handins = [(p if p.is_dir() else p.parent).resolve() for p in paths
               if p.exists()]
    for option, target in outputs.items():
        if target is not None and _inside(target, handins):
            raise UsageError(f"{option} {target} is inside a hand-in being "
                             "graded; write reports somewhere else (the "
                             "grader never writes to hand-ins)")


def below(run: GradingRun, min_score: float) -> list[str]:
    """Students whose total is below ``min_score`` (a fraction of the
    maximum)."""
    low = []
    for student, subs in run.students().items():
        maximum = sum(s.max_score for s in subs)
        total = sum(s.score for s in subs)
        if maximum == 0 or total < min_score * maximum - 1e-9:
            low.append(student)
    return low


def grade_command(paths: list[Path], *, json_path=None, junit_path=None,
                  csv_path=None, feedback_dir=None, gradescope_path=None,
                  markdown_path=None, min_score=None, seed=None,
                  timeout=60.0, jobs=1, sandbox="required",
                  out=sys.stdout) -> int:
    if min_score is not None and not 0 <= min_score <= 1:
        raise UsageError(f"--min-score is a fraction of the maximum, between "
                         f"0 and 1; got {min_score:g}")
    check_outputs(paths, {"--json": json_path, "--junit": junit_path,
                          "--csv": csv_path, "--feedback-dir": feedback_dir,
                          "--gradescope": gradescope_path,
                          "--markdown": markdown_path})
    run = grade(paths, seed=seed, timeout=timeout, jobs=jobs,
                sandbox=find_sandbox(sandbox))
    summary = reports.table(run)
    out.write(summary)
    if markdown_path:
        Path(markdown_path).write_text(summary, encoding="utf-8")
    if json_path:
        reports.write_json(reports.as_json(run), Path(json_path))
    if junit_path:
        Path(junit_path).write_text(reports.junit(run), encoding="utf-8")
    if csv_path:
        Path(csv_path).write_text(reports.gradebook(run), encoding="utf-8")
    if feedback_dir:
        reports.write_feedback(run, Path(feedback_dir))
    if gradescope_path:
        reports.write_json(reports.gradescope(run), Path(gradescope_path))
    if min_score is not None:
        low = below(run, min_score)
        if low:
            out.write(f"below the minimum score ({min_score:.0%}): "
                      f"{', '.join(reports.plain(s) for s in low)}\n")
            return 1
    return 0


def workflow_text() -> str:
    return resources.files("lstm_course.grading").joinpath(
        "student_workflow.yml").read_text(encoding="utf-8")


def init_student_repo(folder: Path, force: bool = False) -> Path:
    """Write the students' GitHub Actions workflow into ``folder``."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    target = folder / WORKFLOW
    if target.exists() and not force:
        raise UsageError(f"{target} exists; --force overwrites it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(workflow_text(), encoding="utf-8")
    return target
