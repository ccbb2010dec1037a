"""The grade command end to end on the course's own notebooks, its usage
errors, --min-score, and the students' CI workflow."""

from __future__ import annotations

import csv
import json
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from lstm_course.exercises import all_exercises
from lstm_course.grading.command import WORKFLOW, workflow_text
from tests.conftest import REPO
from tests.grading.conftest import require_sandbox

pytestmark = pytest.mark.slow  # grades through sandboxed workers


def lstm_course(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "lstm_course.cli", *args],
                          capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.fixture(scope="module")
def solutions_and_chapters(tmp_path_factory):
    require_sandbox()
    out = tmp_path_factory.mktemp("out")
    done = lstm_course("grade", str(REPO / "solutions"), str(REPO / "chapters"),
                       "--json", str(out / "all.json"), "--jobs", "2",
                       "--gradescope", str(out / "gradescope.json"),
                       "--csv", str(out / "book.csv"),
                       "--feedback-dir", str(out / "feedback"))
    return done, json.loads((out / "all.json").read_text()), out


def test_solutions_get_full_marks_and_chapters_zero(solutions_and_chapters):
    done, report, _ = solutions_and_chapters
    assert done.returncode == 0, done.stderr[-2000:]
    by_student: dict = {}
    for sub in report["submissions"]:
        by_student.setdefault(sub["student"], []).append(sub)
    graded_ids = {e["id"] for sub in by_student["solutions"]
                  for e in sub["exercises"]}
    assert graded_ids == {e.id for e in all_exercises()}
    for sub in by_student["solutions"]:
        assert sub["score"] == sub["max_score"] > 0, sub
    for sub in by_student["chapters"]:
        assert sub["score"] == 0
        for e in sub["exercises"]:
            assert e["status"] == "error" and "not implemented" in e["message"]
    assert isinstance(report["seed"], int)


def test_gradescope_results(solutions_and_chapters):
    _, report, out = solutions_and_chapters
    results = json.loads((out / "gradescope.json").read_text())
    assert results["score"] == sum(s["score"] for s in report["submissions"])
    assert len(results["tests"]) == sum(len(s["exercises"])
                                        for s in report["submissions"])
    assert {"name", "score", "max_score", "status", "output"} <= set(
        results["tests"][0])


def test_min_score_fails_the_run_for_a_student_below_it(tmp_path, sandboxed):
    done = lstm_course("grade", str(REPO / "chapters" / "01_rnn_bptt.ipynb"),
                       "--min-score", "0.5", "--seed", "1")
    assert done.returncode == 1
    assert "below the minimum score (50%): 01_rnn_bptt" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["grade", "nowhere"], "nowhere: no such file or folder"),
    (["grade", "README.md"], "not a notebook"),
    (["grade", "chapters", "--min-score", "2"], "between 0 and 1"),
    (["grade", "chapters", "--timeout", "0"], "--timeout must be > 0"),
    (["grade", "chapters", "--jobs", "0"], "--jobs must be >= 1"),
    (["grade", "chapters", "--json", "chapters/out.json"],
     "inside a hand-in being graded"),
    (["grade", "chapters", "--seed", "x"], "invalid int value"),
    (["grade", "chapters", "--shard", "1/2"], "--shard needs --seed"),
])
def test_usage_errors_exit_2_with_a_reason(args, message):
    done = lstm_course(*args, cwd=REPO)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (REPO / "chapters" / "out.json").exists()


def test_init_student_repo_writes_the_workflow_once(tmp_path):
    done = lstm_course("init-student-repo", str(tmp_path))
    assert done.returncode == 0
    assert (tmp_path / WORKFLOW).read_text() == workflow_text()
    again = lstm_course("init-student-repo", str(tmp_path))
    assert again.returncode == 2 and "--force" in again.stderr
    assert lstm_course("init-student-repo", str(tmp_path),
                       "--force").returncode == 0


def test_the_workflow_grades_a_local_student_repository(tmp_path,
                                                       sandboxed):
    workflow = yaml.safe_load(workflow_text())
    steps = workflow["jobs"]["grade"]["steps"]
    grade_step = next(s for s in steps if s.get("name") == "Grade")
    assert workflow["permissions"] == {"contents": "read"}
    # The student's repository: released chapters, one of them solved.
    repo = tmp_path / "student"
    (repo / "chapters").mkdir(parents=True)
    shutil.copy(REPO / "solutions" / "01_rnn_bptt.ipynb", repo / "chapters")
    shutil.copy(REPO / "chapters" / "02_vanishing_exploding.ipynb",
                repo / "chapters")
    summary = tmp_path / "summary.md"
    command = grade_step["run"].replace("$GITHUB_STEP_SUMMARY", str(summary))
    argv = shlex.split(command)
    assert argv[:3] == ["lstm-course", "grade", "chapters"]
    done = subprocess.run([sys.executable, "-m", "lstm_course.cli",
                           *argv[1:]], cwd=repo, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ch01.rnn_step_forward | passed" in summary.read_text()
    assert (repo / "grade-results.xml").exists()


def test_gradebook_and_feedback_for_two_students(solutions_and_chapters):
    _, report, out = solutions_and_chapters
    rows = {row[0]: row for row in csv.reader(
        (out / "book.csv").read_text().splitlines())}
    ids = sorted(e.id for e in all_exercises())
    assert rows["student"] == ["student", *ids, "total", "max"]
    maximum = sum(e.points for e in all_exercises())
    points = {e.id: e.points for e in all_exercises()}
    assert rows["solutions"][1:] == [f"{points[i]:g}" for i in ids] + [
        f"{maximum:g}", f"{maximum:g}"]
    assert rows["chapters"][1:] == ["0"] * len(ids) + ["0", f"{maximum:g}"]
    text = (out / "feedback" / "chapters.md").read_text()
    assert f"Total: **0/{maximum:g} points**" in text
    assert text.count("not implemented") == len(ids)
    assert f"Total: **{maximum:g}/{maximum:g} points**" in (
        out / "feedback" / "solutions.md").read_text()
