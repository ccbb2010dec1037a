"""Grading a class in shards: the slices, merging, and a class graded in
three shards giving, byte for byte, the reports of one run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import textwrap
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

from lstm_course import cli
from lstm_course.exercises import get
from lstm_course.exercises.registry import ExerciseResult, SubCheckResult
from lstm_course.grading import reports, shards
from lstm_course.grading.grade import GradingRun, Submission, UsageError
from lstm_course.grading.runner import failed
from tests.conftest import REPO
from tests.grading.conftest import require_sandbox

pytestmark = pytest.mark.slow  # grades through sandboxed workers

EVIL = "line one\n::error::x\r\x1b[31m| fake |\u202e <b>&amp;"


def test_shard_option_is_i_of_n():
    assert shards.parse("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "-1/2"):
        with pytest.raises(UsageError, match="--shard"):
            shards.parse(bad)


def test_slices_are_disjoint_cover_the_class_and_depend_on_the_name_only():
    names = [f"student{i:03d}" for i in range(300)]
    slices = {name: shards.slice_of(name, 4) for name in names}
    assert set(slices.values()) == {1, 2, 3, 4}
    assert min(Counter(slices.values()).values()) > 50  # near 75 each
    # the same name, the same slice, whoever else is in the class
    assert all(shards.slice_of(n, 4) == s for n, s in slices.items())
    assert shards.slice_of("z\udcff", 3) in (1, 2, 3)  # non-UTF-8 names


def _result(passed: bool, message="") -> ExerciseResult:
    exercise = get("ch01.rnn_forward")
    return ExerciseResult(exercise.id, exercise.title, 2.0, [
        SubCheckResult("shape", True, 0.5, 0.5),
        SubCheckResult("values", passed, 1.5 if passed else 0.0, 1.5,
                       "" if passed else message, "look at tanh")])


def _run(students, seed=7, shard=None, order=None) -> GradingRun:
    subs = [Submission(s, "01_rnn_bptt.ipynb", [_result(i % 2 == 0, EVIL)])
            for i, s in enumerate(students)]
    subs.append(Submission(students[0], "x/01_rnn_bptt.ipynb",
                           error=EVIL + " handed in twice"))
    subs.append(Submission(students[-1], "02_x.ipynb", [
        failed(get("ch02.clip_gradient_norm"), "timeout", EVIL)]))
    order = order or {s: i for i, s in enumerate(students)}
    return GradingRun(seed, subs, "bubblewrap", order=order, shard=shard)


def test_json_rebuilds_the_run_every_report_is_made_from():
    run = _run(["ann", "=bob"])
    again = reports.run_from_json(
        json.loads(json.dumps(reports.as_json(run))), "run.json")
    for report in (reports.table, reports.gradebook, reports.junit):
        assert report(again) == report(run)
    assert reports.gradescope(again) == reports.gradescope(run)
    assert again.submissions[1].error == run.submissions[1].error
    with pytest.raises(UsageError, match="version 1"):
        reports.run_from_json({"submissions": []}, "other.json")
    broken = reports.as_json(run)
    broken["submissions"][0]["exercises"][0]["score"] = 1.0
    with pytest.raises(UsageError, match="does not match its sub-checks"):
        reports.run_from_json(broken, "edited.json")


def test_merge_refuses_shards_that_are_not_one_class():
    order = {"ann": 0, "bob": 1, "cy": 2}
    one = _run(["ann"], shard=(1, 2), order={"ann": 0})
    two = _run(["bob", "cy"], shard=(2, 2), order={"bob": 1, "cy": 2})
    merged = shards.merge([("b.json", two), ("a.json", one)])
    assert [s.student for s in merged.submissions][:2] == ["ann", "ann"]
    assert merged.order == order
    cases = [
        ([("a", one), ("b", _run(["bob"], seed=8, shard=(2, 2),
                                 order={"bob": 1}))], "different seeds"),
        ([("a", one), ("b", _run(["ann"], shard=(2, 2),
                                 order={"ann": 0}))], "must not overlap"),
        ([("a", one)], "shard 2/2 missing"),
        ([("a", one), ("b", one)], "both shard 1/2"),
        ([("a", one), ("b", _run(["bob"], shard=(2, 3)))],
         "split the class differently"),
        ([("a", one), ("b", _run(["bob"]))], "b was not graded with --shard"),
        ([], "at least one shard"),
    ]
    for runs, message in cases:
        with pytest.raises(UsageError, match=message):
            shards.merge(runs)


def lstm_course(*args) -> int:
    """The command in this process (the grader's workers are still
    sandboxed processes): no interpreter start per call."""
    return cli.main(list(args))


def _class(root: Path) -> Path:
    """Four students; only ann's notebook runs (the others are refused or
    missing before anything runs), so the test stays quick."""
    klass = root / "class"
    (klass / "ann").mkdir(parents=True)
    shutil.copy(REPO / "solutions/01_rnn_bptt.ipynb", klass / "ann")
    (klass / "bob").mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell(
            "# EXERCISE ch01.rnn_forward\n"
            "from lstm_course.reference.rnn_np import forward as rnn_forward")])
    nbformat.write(notebook, klass / "bob" / "01_rnn_bptt.ipynb")
    (klass / "cy").mkdir()
    (klass / "cy" / "02_vanishing_exploding.ipynb").write_text("{not json")
    (klass / "dee" / "chapters").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np")]),
        klass / "dee" / "chapters" / "03_lstm1997.ipynb")
    return klass


REPORTS = {"--csv": "book.csv", "--junit": "junit.xml",
           "--gradescope": "gradescope.json", "--markdown": "table.md",
           "--feedback-dir": "feedback"}


def _outputs(folder: Path) -> list[str]:
    return [arg for option, name in REPORTS.items()
            for arg in (option, str(folder / name))]


def _files(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_class_in_three_shards_merges_into_the_unsharded_run(tmp_path,
                                                                capsys):
    require_sandbox()
    klass = _class(tmp_path)
    whole, merged = tmp_path / "whole", tmp_path / "merged"
    whole.mkdir(), merged.mkdir()
    assert lstm_course("grade", str(klass), "--seed", "11",
                       *_outputs(whole)) == 0
    parts = []
    for index in (1, 2, 3):
        part = tmp_path / f"shard{index}.json"
        assert lstm_course("grade", str(klass), "--seed", "11", "--shard",
                           f"{index}/3", "--json", str(part)) == 0
        parts.append(str(part))
    assert lstm_course("merge", *parts, *_outputs(merged)) == 0
    expected = _files(whole)
    assert set(expected) >= {"book.csv", "junit.xml", "gradescope.json",
                             "table.md", "feedback/ann.md"}
    assert _files(merged) == expected
    book = (whole / "book.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in book[1:]] == ["ann", "bob", "cy",
                                                       "dee"]
    ann = book[1].split(",")
    assert ann[-2] == ann[-1] != "0"  # ann's solutions: full marks
    # every student is in exactly one shard
    graded = [set(json.loads(Path(p).read_text())["order"]) for p in parts]
    assert sorted(s for g in graded for s in g) == ["ann", "bob", "cy", "dee"]
    assert lstm_course("merge", parts[0], parts[0], *parts[1:]) == 2
    assert "both shard 1/3" in capsys.readouterr().err
    assert lstm_course("merge", *parts, "--json", parts[0]) == 2
    assert "one of the shards being merged" in capsys.readouterr().err


def test_the_instructors_matrix_runs_commands_the_cli_takes():
    text = (REPO / "solutions/INSTRUCTORS.md").read_text()
    block = text.split("A GitHub Actions matrix grading a class")[1]
    block = block.split("```yaml")[1].split("```")[0]
    workflow = yaml.safe_load(textwrap.dedent(block))
    shards_run = workflow["jobs"]["grade"]["strategy"]["matrix"]["shard"]
    commands = [step["run"] for job in workflow["jobs"].values()
                for step in job["steps"]
                if step.get("run", "").startswith("lstm-course")]
    assert [c.split()[1] for c in commands] == ["grade", "merge"]
    parser = cli.build_parser()
    for shard in shards_run:
        grade = re.sub(r"\$\{\{ matrix.shard \}\}", str(shard),
                       commands[0].replace("${{ github.run_id }}", "123"))
        args = parser.parse_args(shlex.split(grade)[1:])
        assert shards.parse(args.shard) == (shard, len(shards_run))
        assert args.seed == 123 and args.json.name == f"shard{shard}.json"
    merge = parser.parse_args(shlex.split(commands[1])[1:])
    assert merge.files == ["shard*.json"] and merge.csv
