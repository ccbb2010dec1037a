"""Reading hand-ins and the static policy, without running anything."""

import json

import nbformat
import pytest

from lstm_course.grading.handin import HandinError, load_handin, strip_magics
from lstm_course.grading.policy import reference_problem, syntax_problem

REFS = ("lstm_course.reference.rnn_np",)


def notebook(tmp_path, *sources, markdown=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells += [nbformat.v4.new_markdown_cell(s) for s in markdown]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    return path


def test_cells_are_found_by_header_and_magics_removed(tmp_path):
    path = notebook(tmp_path, "%matplotlib inline\nimport numpy as np",
                    "\n# EXERCISE ch01.a\ndef a():\n    !ls\n    return 1")
    handin = load_handin(path, ["ch01.a", "ch01.b"])
    assert "# (removed by the grader) %matplotlib" in handin.imports
    assert "def a()" in handin.cells["ch01.a"]
    assert "!ls" in handin.cells["ch01.a"] and "(removed" in \
        handin.cells["ch01.a"]
    assert handin.problems["ch01.b"].startswith("no code cell")


def test_a_notebook_with_only_markdown_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")])
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(HandinError, match="no code cells"):
        load_handin(path, ["ch01.a"])


def test_json_that_is_not_a_notebook(tmp_path):
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(HandinError, match="not a notebook"):
        load_handin(path, [])


def test_strip_magics_keeps_other_lines():
    assert strip_magics("x = 1\n  %time y\n!pip install z") == (
        "x = 1\n# (removed by the grader)   %time y\n"
        "# (removed by the grader) !pip install z")


@pytest.mark.parametrize("source, fragment", [
    ("import lstm_course.reference.rnn_np as r", "it imports"),
    ("from lstm_course.reference.rnn_np import step_forward", "it imports"),
    ("from lstm_course.reference import rnn_np", "it imports"),
    ("from lstm_course.exercises import get", "it imports"),
    ("x = __import__('os')", "__import__"),
    ("eval('1')", "eval"),
    ("import importlib", "importlib"),
    ("import sys\nsys.modules['x']", "sys.modules"),
    ("import lstm_course\nlstm_course.reference.rnn_np.forward", "uses"),
    ("name = 'lstm_course.reference.rnn_np'", "in a string"),
    ("rnn_np.forward(1)", "uses"),  # bound by the imports cell below
])
def test_reference_uses_are_refused(source, fragment):
    imports = "import numpy as np\nfrom lstm_course.reference import rnn_np"
    problem = reference_problem(source, imports, REFS)
    assert problem and fragment in problem


def test_ordinary_code_passes_the_policy():
    imports = "import numpy as np\nfrom lstm_course.cells import ElmanCell"
    source = "def f(x):\n    return np.tanh(x) + ElmanCell(3).units"
    assert reference_problem(source, imports, REFS) is None
    assert syntax_problem("def f(:", "exercise cell").startswith(
        "the exercise cell is not valid Python")


@pytest.mark.parametrize("source, error", [
    ("x = " + "-" * 150000 + "1", "MemoryError"),
    ("a" + ".b" * 60000, "RecursionError"),
])
def test_a_cell_that_breaks_the_parser_is_a_problem_not_a_crash(source,
                                                                error):
    problem = syntax_problem(source, "exercise cell")
    assert problem.startswith("the exercise cell cannot be parsed (" + error)


def test_cells_over_the_length_cap_are_refused(tmp_path):
    path = notebook(tmp_path, "import numpy as np",
                    "# EXERCISE ch01.a\n" + "#" * 200_001)
    with pytest.raises(HandinError, match="the cell of ch01.a has 200,019 "
                       "characters; cells over 200,000 are refused"):
        load_handin(path, ["ch01.a"])


def test_only_regular_files_are_read(tmp_path):
    import os

    target = notebook(tmp_path, "import numpy as np")
    link = tmp_path / "02_link.ipynb"
    link.symlink_to(target)
    with pytest.raises(HandinError, match="symbolic link"):
        load_handin(link, [])
    fifo = tmp_path / "03_fifo.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(HandinError, match="not a regular file"):
        load_handin(fifo, [])  # and it does not block


def test_a_grader_error_on_one_hand_in_scores_it_zero_with_the_reason(
        tmp_path, monkeypatch):
    from lstm_course.grading import grade as grade_module
    from lstm_course.grading.sandbox import find
    from tests.grading.test_hostile import base_notebook, write

    write(tmp_path / "ann", base_notebook())
    write(tmp_path / "bob", base_notebook())
    real = grade_module.load_handin

    def breaking(path, expected):
        if "bob" in str(path):
            raise RuntimeError("a bug in the grader")
        return real(path, expected)

    monkeypatch.setattr(grade_module, "load_handin", breaking)
    monkeypatch.setattr(grade_module, "run_exercises", lambda *a, **k: 1 / 0)
    run = grade_module.grade([tmp_path], seed=1, sandbox=find("off"))
    by_student = {s.student: s for s in run.submissions}
    assert "could not grade this hand-in (RuntimeError)" in \
        by_student["bob"].error
    assert by_student["bob"].score == 0 and by_student["bob"].exercises
    ann = by_student["ann"].exercises
    assert {e.status for e in ann} == {"error", "missing"}
    assert all("(ZeroDivisionError)" in e.message for e in ann
               if e.status == "error")
