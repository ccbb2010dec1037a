"""The notebook conventions of the design doc (section 4), checked on every
solution notebook, and its exercises run against the registry."""

import ast
import re

import nbformat
import pytest

from lstm_course.exercises import all_exercises, evaluate, get
from lstm_course.markers import replace_solutions
from tests.conftest import REPO

SOLUTIONS = sorted((REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))
EXERCISE = re.compile(r"^# EXERCISE (\S+)\s*$")


def code_cells(path):
    return [c for c in nbformat.read(path, 4).cells if c.cell_type == "code"]


def exercise_cells(cells):
    found = {}
    for index, cell in enumerate(cells):
        match = EXERCISE.match(cell.source.split("\n", 1)[0])
        if match:
            found[match[1]] = index
    return found


def run_cells(sources):
    namespace = {}
    for source in sources:
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_first_cell_imports_seeds_and_reads_the_mode(path):
    first = code_cells(path)[0].source
    assert "seed_everything(" in first and "mode()" in first


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_is_registered_defined_and_checked(path):
    cells = code_cells(path)
    found = exercise_cells(cells)
    assert found, f"{path.name} has no exercises"
    for exercise_id, index in found.items():
        exercise = get(exercise_id)
        tree = ast.parse(cells[index].source)
        defined = [node.name for node in tree.body if isinstance(
            node, (ast.FunctionDef, ast.ClassDef))]
        assert defined == [exercise.name], exercise_id
        follow = cells[index + 1].source
        assert f'check("{exercise_id}", {exercise.name})' in follow


def test_every_registered_exercise_is_in_a_notebook():
    in_notebooks = set()
    for path in SOLUTIONS:
        in_notebooks |= set(exercise_cells(code_cells(path)))
    assert {e.id for e in all_exercises()} == in_notebooks


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_score_full_marks_and_stubs_zero(path):
    cells = code_cells(path)
    found = exercise_cells(cells)
    for exercise_id, index in found.items():
        # Each exercise alone with the imports, as the grader will run it.
        exercise = get(exercise_id)
        solved = run_cells([cells[0].source, cells[index].source])
        for seed in (0, 12345):
            result = evaluate(exercise, solved[exercise.name], seed)
            assert result.passed, (exercise_id, seed, result.report())
        stub = run_cells([cells[0].source,
                          replace_solutions(cells[index].source)])
        result = evaluate(exercise, stub[exercise.name])
        assert result.score == 0 and "not implemented" in result.message


def test_chapter_06_shows_the_committed_seed_table():
    """Chapter 06 copies benchmarks/results/alternatives.md into a markdown
    cell; rerunning the benchmark without updating the chapter fails."""
    table = (REPO / "benchmarks/results/alternatives.md").read_text()
    body = table.split("\n", 2)[2].strip().replace("### ", "#### ")
    cells = nbformat.read(REPO / "solutions/06_alternatives.ipynb", 4).cells
    assert any(c.cell_type == "markdown" and c.source == body for c in cells)


def _shows(notebook: str, results: str) -> bool:
    """Whether a markdown cell of ``solutions/notebook`` holds the whole
    committed table ``benchmarks/results/results``."""
    table = (REPO / "benchmarks/results" / results).read_text().strip()
    cells = nbformat.read(REPO / "solutions" / notebook, 4).cells
    return any(c.cell_type == "markdown" and table in c.source for c in cells)


def test_chapter_04_shows_the_committed_reproduction_table():
    """Chapter 04 copies benchmarks/results/reproduce_1997.md into its
    section 8; rows run later must be copied in too."""
    assert _shows("04_experiments1997.ipynb", "reproduce_1997.md")


def test_chapter_04_shows_the_committed_paper_configuration_table():
    """Section 8 copies benchmarks/results/reproduce_1997_paper.md; rows
    run later must be copied in too."""
    assert _shows("04_experiments1997.ipynb", "reproduce_1997_paper.md")


def test_chapter_05_shows_the_committed_gers_table():
    """Section 4 copies benchmarks/results/cerg_gers.md."""
    assert _shows("05_modern_lstm.ipynb", "cerg_gers.md")
