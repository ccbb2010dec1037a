"""Reports escape what students wrote and follow their formats."""

import csv
import io
import xml.etree.ElementTree as ET

from lstm_course.exercises import get
from lstm_course.grading import reports
from lstm_course.grading.grade import GradingRun, Submission
from lstm_course.grading.runner import failed

EVIL = ("line one\n::error file=x::owned\r\x1b[31m| fake | row |\u202e "
        "<script>alert(1)</script> [link](http://x) &amp;")


def run_with(message, student="=cmd|' /C calc'!A0"):
    result = failed(get("ch01.rnn_forward"), "error", message)
    return GradingRun(42, [Submission(student, "01_rnn_bptt.ipynb",
                                      [result])])


def test_plain_text_cannot_inject_workflow_commands_or_escapes():
    text = reports.plain(EVIL)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert "::" not in text and "\u202e" not in text


def test_markdown_table_escapes_pipes_and_html():
    table = reports.table(run_with(EVIL))
    row = [line for line in table.split("\n") if "ch01.rnn_forward" in line][0]
    assert row.count(" | ") == 5  # the student's pipes do not add columns
    assert "<script>" not in table and "\\<script\\>" in table
    assert "Grading seed: 42" in table


def test_junit_is_valid_xml_with_the_failure():
    root = ET.fromstring(reports.junit(run_with(EVIL)))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "ch01.rnn_forward"
    assert "::" not in case.find("failure").get("message")


def test_gradebook_guards_against_spreadsheet_formulas():
    rows = list(csv.reader(io.StringIO(reports.gradebook(run_with("x")))))
    assert rows[0] == ["student", "ch01.rnn_forward", "total", "max"]
    assert rows[1][0].startswith("'=") and rows[1][1:] == ["0", "0", "2"]


def test_json_follows_the_design_schema():
    data = reports.as_json(run_with("boom"))
    assert data["version"] == 1 and data["seed"] == 42
    exercise = data["submissions"][0]["exercises"][0]
    assert set(exercise) == {"id", "score", "max_score", "status", "message",
                             "detail"}  # detail: what `merge` rebuilds from
    assert exercise["status"] == "error"


def test_feedback_file_names_are_safe(tmp_path):
    run = run_with("x", student="../../etc/passwd")
    (path,) = reports.write_feedback(run, tmp_path)
    assert path.parent == tmp_path and path.name == "etc_passwd.md"
