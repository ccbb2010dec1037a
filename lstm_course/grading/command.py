"""``lstm-course grade`` and ``lstm-course init-student-repo``: the
functions behind the commands, which own the defaults and the checks."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from lstm_course.grading import reports, shards
from lstm_course.grading.defaults import EXERCISE_TIMEOUT
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
                  timeout=EXERCISE_TIMEOUT, jobs=1, sandbox="required",
                  shard=None,
                  out=sys.stdout) -> int:
    outputs = _outputs(json_path, junit_path, csv_path, feedback_dir,
                       gradescope_path, markdown_path)
    _check_min_score(min_score)
    check_outputs(paths, outputs)
    keep = None
    if shard is not None:
        index, count = shards.parse(shard)
        if seed is None:
            raise UsageError("--shard needs --seed: every shard must draw "
                             "the same inputs for the merged run to be one "
                             "run")
        if json_path is None:
            raise UsageError("--shard needs --json FILE: `lstm-course merge` "
                             "joins the shards' JSON")

        def keep(student):
            return shards.slice_of(student, count) == index
    run = grade(paths, seed=seed, timeout=timeout, jobs=jobs,
                sandbox=find_sandbox(sandbox), keep=keep)
    if shard is not None:
        run.shard = (index, count)
    return write_reports(run, outputs, min_score, out)


def merge_command(files: list[Path], *, json_path=None, junit_path=None,
                  csv_path=None, feedback_dir=None, gradescope_path=None,
                  markdown_path=None, min_score=None,
                  out=sys.stdout) -> int:
    """Join the JSON of ``grade --shard`` runs into the reports one
    unsharded run writes."""
    _check_min_score(min_score)
    runs = []
    for path in files:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UsageError(f"{path}: cannot read it as JSON ({error})") \
                from None
        runs.append((str(path), reports.run_from_json(data, str(path))))
    outputs = _outputs(json_path, junit_path, csv_path, feedback_dir,
                       gradescope_path, markdown_path)
    inputs = {Path(f).resolve() for f in files}
    for option, target in outputs.items():
        if target is not None and Path(target).resolve() in inputs:
            raise UsageError(f"{option} {target} is one of the shards being "
                             "merged; write the merged run to a new file")
    return write_reports(shards.merge(runs), outputs, min_score, out)


def _outputs(json_path, junit_path, csv_path, feedback_dir,
             gradescope_path, markdown_path) -> dict:
    """The reports asked for, by the option that asks for each."""
    return {"--json": json_path, "--junit": junit_path, "--csv": csv_path,
            "--feedback-dir": feedback_dir, "--gradescope": gradescope_path,
            "--markdown": markdown_path}


def _check_min_score(min_score):
    if min_score is not None and not 0 <= min_score <= 1:
        raise UsageError(f"--min-score is a fraction of the maximum, between "
                         f"0 and 1; got {min_score:g}")


def write_reports(run: GradingRun, outputs: dict, min_score, out) -> int:
    """Print the table, write the reports ``outputs`` asks for (option ->
    path or None); 1 if a student is below ``min_score``."""
    summary = reports.table(run)
    out.write(summary)
    if outputs["--markdown"]:
        Path(outputs["--markdown"]).write_text(summary, encoding="utf-8")
    if outputs["--json"]:
        reports.write_json(reports.as_json(run), Path(outputs["--json"]))
    if outputs["--junit"]:
        Path(outputs["--junit"]).write_text(reports.junit(run),
                                            encoding="utf-8")
    if outputs["--csv"]:
        Path(outputs["--csv"]).write_text(reports.gradebook(run),
                                          encoding="utf-8")
    if outputs["--feedback-dir"]:
        reports.write_feedback(run, Path(outputs["--feedback-dir"]))
    if outputs["--gradescope"]:
        reports.write_json(reports.gradescope(run),
                           Path(outputs["--gradescope"]))
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
