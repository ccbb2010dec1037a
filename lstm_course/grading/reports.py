"""What a grading run writes: a Markdown table, JSON (design doc, section 8;
read back by :func:`run_from_json` for `lstm-course merge`),
JUnit XML, a class gradebook (CSV), one feedback file per student, and
Gradescope's results.json.

Messages can quote a student's exception text, so every report escapes
them for its format, and :func:`plain` strips what a terminal or a CI log
would interpret (control characters, ANSI escapes, GitHub workflow
commands such as ``::error::``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lstm_course.exercises.registry import ExerciseResult, SubCheckResult
from lstm_course.grading.grade import GradingRun, Submission, UsageError

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028"
                     r"\u2029\u202a-\u202e\u2066-\u2069]")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def plain(text: str, limit: int = 300) -> str:
    """One line, no control characters, no workflow commands, no lone
    surrogates: safe to print in a CI log and to write as UTF-8."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    text = CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " "))
    text = text.replace("::", ": :")  # ::error::, ::set-output, ...
    return text if len(text) <= limit else text[:limit - 3] + "..."


def markdown(text: str) -> str:
    """Plain text, with Markdown and HTML special characters escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", plain(text)).replace("&", "&amp;")


def table(run: GradingRun) -> str:
    """The Markdown summary: one row per graded notebook and exercise."""
    lines = [f"Grading seed: {run.seed}  ", f"Sandbox: {markdown(run.sandbox)}",
             "",
             "| student | notebook | exercise | status | score | message |",
             "|---|---|---|---|---|---|"]
    for sub in run.submissions:
        if sub.error and not sub.exercises:
            lines.append(f"| {markdown(sub.student)} | {markdown(sub.path)} "
                         f"| - | error | 0 | {markdown(sub.error)} |")
        for ex in sub.exercises:
            lines.append(
                f"| {markdown(sub.student)} | {markdown(sub.path)} | "
                f"{ex.id} | {ex.status} | {ex.score:g}/{ex.max_score:g} | "
                f"{markdown(ex.message)} |")
    lines.append("")
    for student, subs in run.students().items():
        got = sum(s.score for s in subs)
        of = sum(s.max_score for s in subs)
        lines.append(f"**{markdown(student)}: {got:g}/{of:g} points**  ")
    return "\n".join(lines) + "\n"


def as_json(run: GradingRun) -> dict:
    """The design doc's JSON (section 8); each exercise's ``detail`` and the
    run's ``order`` and ``shard`` are what ``lstm-course merge`` rebuilds
    the run from."""
    return {"version": 1, "seed": run.seed, "sandbox": run.sandbox,
            "shard": list(run.shard) if run.shard else None,
            "order": run.order, "submissions": [
        {"path": sub.path, "student": sub.student, "score": sub.score,
         "max_score": sub.max_score,
         **({"error": plain(sub.error), "detail": {"error": sub.error}}
            if sub.error else {}),
         "exercises": [{"id": ex.id, "score": ex.score,
                        "max_score": ex.max_score, "status": ex.status,
                        "message": plain(ex.message, 1000),
                        "detail": exercise_json(ex)}
                       for ex in sub.exercises]}
        for sub in run.submissions]}


def exercise_json(result: ExerciseResult) -> dict:
    """What :func:`exercise_from_json` needs to rebuild the result exactly
    (every report is then the same as the grading machine's)."""
    return {"title": result.title, "error": result.error,
            "status_override": result.status_override,
            "subchecks": [{"name": s.name, "passed": s.passed,
                           "points": s.points, "max_points": s.max_points,
                           "message": s.message, "hint": s.hint}
                          for s in result.subchecks]}


def exercise_from_json(data: dict) -> ExerciseResult:
    detail = data["detail"]
    return ExerciseResult(
        data["id"], detail["title"], data["max_score"],
        [SubCheckResult(**s) for s in detail["subchecks"]],
        detail["error"], detail["status_override"])


def run_from_json(data: dict, source: str = "") -> GradingRun:
    """The :class:`GradingRun` a ``grade --json`` file holds."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise UsageError(f"{source}: not the JSON of `lstm-course grade "
                         "--json` (version 1)")
    try:
        submissions = []
        for sub in data["submissions"]:
            exercises = [exercise_from_json(e) for e in sub["exercises"]]
            for rebuilt, stored in zip(exercises, sub["exercises"]):
                if (rebuilt.score, rebuilt.status) != (stored["score"],
                                                       stored["status"]):
                    raise ValueError(f"{stored['id']}'s score or status "
                                     "does not match its sub-checks")
            error = sub["detail"]["error"] if "error" in sub else ""
            submissions.append(Submission(sub["student"], sub["path"],
                                          exercises, error))
        return GradingRun(data["seed"], submissions, data["sandbox"],
                          order=dict(data["order"]),
                          shard=tuple(data["shard"]) if data.get("shard")
                          else None)
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{source}: a grading JSON without what merging "
                         f"needs ({type(error).__name__}: {error}); write "
                         "shards with this version of lstm-course") from None


def junit(run: GradingRun) -> str:
    suites = ET.Element("testsuites", name="lstm-course grade")
    for sub in run.submissions:
        suite = ET.SubElement(
            suites, "testsuite", name=f"{sub.student}/{sub.path}",
            tests=str(len(sub.exercises)),
            failures=str(sum(not ex.passed for ex in sub.exercises)))
        for ex in sub.exercises:
            case = ET.SubElement(suite, "testcase", classname=sub.path,
                                 name=ex.id)
            if not ex.passed:
                failure = ET.SubElement(case, "failure", type=ex.status,
                                        message=plain(ex.message))
                failure.text = (f"{ex.score:g}/{ex.max_score:g} points: "
                                f"{plain(ex.message, 1000)}")
        if sub.error and not sub.exercises:
            case = ET.SubElement(suite, "testcase", classname=sub.path,
                                 name="notebook")
            ET.SubElement(case, "error", message=plain(sub.error))
    return ET.tostring(suites, encoding="unicode") + "\n"


def exercise_columns(run: GradingRun) -> list[str]:
    return sorted({ex.id for sub in run.submissions for ex in sub.exercises})


def gradebook(run: GradingRun) -> str:
    """CSV: one row per student, one column per exercise, a total."""
    columns = exercise_columns(run)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *columns, "total", "max"])
    for student, subs in run.students().items():
        scores = {ex.id: ex.score for s in subs for ex in s.exercises}
        total = sum(s.score for s in subs)
        maximum = sum(s.max_score for s in subs)
        name = student if not student.startswith(("=", "+", "-", "@")) \
            else "'" + student  # no spreadsheet formulas
        writer.writerow([name, *(f"{scores[c]:g}" if c in scores else ""
                                 for c in columns), f"{total:g}",
                         f"{maximum:g}"])
    return out.getvalue()


def feedback(student: str, subs: list[Submission], seed: int,
             sandbox: str = "") -> str:
    got = sum(s.score for s in subs)
    of = sum(s.max_score for s in subs)
    lines = [f"# Feedback for {markdown(student)}", "",
             f"Total: **{got:g}/{of:g} points** (grading seed {seed}).", "",
             f"Sandbox: {markdown(sandbox)}", ""]
    for sub in subs:
        lines += [f"## {markdown(sub.path)}: {sub.score:g}/{sub.max_score:g}",
                  ""]
        if sub.error:
            lines += [f"This notebook could not be graded: "
                      f"{markdown(sub.error)}", ""]
        for ex in sub.exercises:
            lines.append(f"- **{ex.id}** ({ex.status}, {ex.score:g}/"
                         f"{ex.max_score:g})" + (f": {markdown(ex.message)}"
                                                 if ex.message else ""))
        lines.append("")
    return "\n".join(lines)


def safe_file_name(student: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", student).strip("._") or "student"
    return name[:100]


def write_feedback(run: GradingRun, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for student, subs in run.students().items():
        name = safe_file_name(student)
        while name in used:
            name += "_"
        used.add(name)
        path = folder / f"{name}.md"
        path.write_text(feedback(student, subs, run.seed, run.sandbox),
                        encoding="utf-8")
        written.append(path)
    return written


def gradescope(run: GradingRun) -> dict:
    """Gradescope's results.json for one hand-in (all notebooks graded),
    with only the keys Gradescope documents: a visible test per exercise
    (the in-notebook check's messages); the maximum is the assignment's,
    set on Gradescope."""
    tests = [{"name": f"{sub.path}: {ex.id} ({ex.title})",
              "score": ex.score, "max_score": ex.max_score,
              "status": "passed" if ex.passed else "failed",
              "output": plain(ex.message, 1000), "visibility": "visible"}
             for sub in run.submissions for ex in sub.exercises]
    output = f"Graded with seed {run.seed}; sandbox: {plain(run.sandbox)}."
    missing = [f"{plain(s.path)}: {plain(s.error)}" for s in run.submissions
               if s.error]
    if missing:
        output += " Not graded: " + "; ".join(missing)
    return {"score": round(sum(t["score"] for t in tests), 6),
            "output": output, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
