"""The similarity report on a generated class (tests/grading/
similarity_class.py): it finds the planted copies, flags no honest pair,
leaves a one-line step alone, and catches a pasted reference."""

from __future__ import annotations

import csv
import io
import textwrap

import numpy as np
import pytest

from lstm_course import cli
from lstm_course.exercises import evaluate, get
from lstm_course.grading import similarity
from lstm_course.grading.grade import UsageError
from tests.grading import similarity_class as generated


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return generated.write(tmp_path_factory.mktemp("similarity") / "class")


@pytest.fixture(scope="module")
def report(klass):
    return similarity.compare([klass])


def test_every_answer_of_the_generated_class_is_correct():
    """The honest styles are real solutions (and so are the copies)."""
    for student, cells in generated.answers().items():
        for exercise_id, source in cells.items():
            namespace = {"np": np}
            exec(textwrap.dedent(source), namespace)  # noqa: S102 - ours
            function = namespace[exercise_id.split(".")[1]]
            assert evaluate(get(exercise_id), function).passed, \
                (student, exercise_id)


def _origins(flag):
    origin = generated.ORIGIN
    mine = origin[flag.student](flag.exercise)
    if flag.other.startswith("reference: "):
        return mine, "reference"
    return mine, origin[flag.other](flag.exercise)


def test_it_finds_every_planted_copy_and_flags_no_honest_pair(report):
    summaries, flags, problems = report
    assert problems == []
    # precision: every flagged pair shares an origin (a copy and what it
    # copied, or two copies of one answer)
    assert flags and all(a == b for a, b in map(_origins, flags))
    found = {(f.exercise, *sorted((f.student, f.other))) for f in flags}
    planted = [("copy_renamed", "honest_course"),
               ("copy_reordered", "honest_b")]
    for exercise in generated.MEDIUM:
        for pair in planted:
            assert (exercise, *pair) in found, (exercise, pair)
        copied = "honest_course" if exercise in generated.INLINED_A \
            else "honest_c"
        assert (exercise, *sorted(("copy_inlined", copied))) in found
        assert any(f.exercise == exercise and f.student == "copy_reference"
                   and f.other.startswith("reference: ") for f in flags)
    honest = {"honest_course", "honest_b", "honest_c"}
    assert not any({f.student, f.other} <= honest for f in flags)


def test_a_one_line_step_written_alike_by_everybody_flags_nobody(report):
    summaries, flags, _ = report
    by_id = {s.exercise: s for s in summaries}
    for exercise in generated.SHORT:
        assert by_id[exercise].answers == 47
        assert by_id[exercise].median is None  # nothing left to compare
        assert not [f for f in flags if f.exercise == exercise]


def test_normalising_ignores_names_comments_layout_order_and_helpers():
    base = '''
def f(x, p):
    a = np.tanh(x @ p["W"] + p["b"])
    b = np.exp(-x)
    return a * b
'''
    same = [
        # names, comments and layout
        'def f(inp, prm):\n    # first the gate\n    gate = np.tanh(inp @ prm["U"]'
        ' +\n        prm["c"])\n    other   =   np.exp( - inp )\n'
        '    return gate * other\n',
        # independent statements reordered
        'def f(x, p):\n    b = np.exp(-x)\n    a = np.tanh(x @ p["W"] + p["b"])'
        '\n    return a * b\n',
        # a helper extracted (a def and a lambda)
        'def f(x, p):\n    def net(v):\n        return v @ p["W"] + p["b"]\n'
        '    a = np.tanh(net(x))\n    b = np.exp(-x)\n    return a * b\n',
        'def f(x, p):\n    e = lambda v: np.exp(-v)\n'
        '    a = np.tanh(x @ p["W"] + p["b"])\n    b = e(x)\n    return a * b\n',
    ]
    reference = similarity.fingerprint(base)
    assert reference
    for source in same:
        assert similarity.fingerprint(source) == reference, source
    other = 'def f(x, p):\n    return np.maximum(x, 0).sum(axis=1)\n'
    different = similarity.fingerprint(other)
    assert len(different & reference) <= 1  # the signature's shape
    assert similarity.fingerprint("def f(:\n") == frozenset()


def test_stubs_and_missing_cells_are_nobodys_copy(tmp_path):
    """Released chapters handed in untouched: every cell is the stub."""
    for student in ("a", "b", "c"):
        generated.write_notebook(tmp_path / student, "01_rnn_bptt.ipynb", {
            "ch01.rnn_forward": "def rnn_forward(x, h0, params):\n"
                                "    # YOUR CODE HERE\n"
                                "    raise NotImplementedError()\n"})
    summaries, flags, _ = similarity.compare([tmp_path])
    assert flags == [] and summaries[0].answers == 0


def test_the_command_writes_its_reports(klass, tmp_path, capsys):
    markdown, table = tmp_path / "report.md", tmp_path / "pairs.csv"
    assert cli.main(["similarity", str(klass), "--markdown", str(markdown),
                     "--csv", str(table)]) == 0
    printed = capsys.readouterr().out
    assert "| ch05.lstm_step_forward | 7 |" in printed
    text = markdown.read_text()
    assert text.count("<table>") == printed.count("\n- ch")
    assert 'params[&quot;W_xh&quot;]' in text  # the cells, escaped
    rows = list(csv.DictReader(io.StringIO(table.read_text())))
    assert len(rows) == text.count("<table>")
    assert {r["exercise"] for r in rows} == set(generated.MEDIUM)
    assert cli.main(["similarity", str(klass), "--threshold", "0"]) == 2
    assert "--threshold" in capsys.readouterr().err
    with pytest.raises(UsageError, match="inside a hand-in"):
        similarity.similarity_command([klass],
                                      csv_path=klass / "honest_b" / "x.csv")
