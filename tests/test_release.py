"""Release: solution regions replaced, outputs cleared, students' work kept."""

import hashlib
import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import (new_code_cell, new_markdown_cell, new_notebook,
                         new_output)

from lstm_course.cli import main
from lstm_course.markers import MarkerError, replace_solutions
from lstm_course.release import MANIFEST, plan_release, release

EXERCISE = """# EXERCISE ch01.demo
def demo(x):
    \"\"\"Doubles x.\"\"\"
    ### BEGIN SOLUTION
    y = 2 * x
    return y
    ### END SOLUTION
"""


def make_solution(folder, name="01_demo.ipynb", source=EXERCISE):
    code = new_code_cell(source, execution_count=3, outputs=[
        new_output("stream", name="stdout", text="secret output\n")])
    code.metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    code.metadata["tags"] = ["keep-me"]
    nb = new_notebook(cells=[new_markdown_cell("# Demo $x^2$"), code,
                             new_code_cell("check('ch01.demo', demo)")])
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


@pytest.fixture
def course(tmp_path):
    make_solution(tmp_path / "solutions")
    return tmp_path / "solutions", tmp_path / "chapters"


def test_replacement_keeps_indentation_and_everything_else():
    out = replace_solutions(EXERCISE)
    assert out == ('# EXERCISE ch01.demo\ndef demo(x):\n    """Doubles x."""\n'
                   "    # YOUR CODE HERE\n    raise NotImplementedError()\n")
    assert "2 * x" not in out
    compile(out, "<cell>", "exec")


def test_several_regions_in_one_cell():
    source = ("a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n"
              "c = 3\n### BEGIN SOLUTION\nd = 4\n### END SOLUTION")
    assert replace_solutions(source) == (
        "a = 1\n# YOUR CODE HERE\nraise NotImplementedError()\nc = 3\n"
        "# YOUR CODE HERE\nraise NotImplementedError()")


def test_release_clears_solutions_outputs_and_counts(course):
    solutions, chapters = course
    release(solutions, chapters)
    nb = nbformat.read(chapters / "01_demo.ipynb", as_version=4)
    code = nb.cells[1]
    assert "raise NotImplementedError()" in code.source
    assert "2 * x" not in code.source
    assert code.outputs == [] and code.execution_count is None
    assert "execution" not in code.metadata
    assert code.metadata["tags"] == ["keep-me"]  # everything else kept
    assert nb.cells[0].source == "# Demo $x^2$"
    assert nb.cells[2].source == "check('ch01.demo', demo)"
    assert [c.id for c in nb.cells] == [
        c.id for c in nbformat.read(solutions / "01_demo.ipynb", 4).cells]


def test_release_is_idempotent(course):
    solutions, chapters = course
    release(solutions, chapters)
    first = (chapters / "01_demo.ipynb").read_bytes()
    plan = release(solutions, chapters)
    assert plan.stale == [] and plan.up_to_date
    assert (chapters / "01_demo.ipynb").read_bytes() == first


def test_check_names_stale_chapters(course, capsys):
    solutions, chapters = course
    args = ["release", "--check", "--solutions", str(solutions),
            "--chapters", str(chapters)]
    assert main(args) == 1
    assert "stale" in capsys.readouterr().out
    assert not chapters.exists() or not any(chapters.iterdir())  # no writes
    assert main(args[:1] + args[2:]) == 0
    assert main(args) == 0
    make_solution(solutions, source=EXERCISE.replace("Doubles", "Twice"))
    assert main(args) == 1
    assert "01_demo.ipynb" in capsys.readouterr().out


def test_check_names_orphans(course, capsys):
    solutions, chapters = course
    release(solutions, chapters)
    (chapters / "02_gone.ipynb").write_text("{}")
    assert main(["release", "--check", "--solutions", str(solutions),
                 "--chapters", str(chapters)]) == 1
    assert "orphan" in capsys.readouterr().out


@pytest.mark.parametrize("source, problem, line", [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", "unclosed", 2),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested", 2),
    ("x = 1\n### END SOLUTION", "stray", 2),
    ("x = 1  ### BEGIN SOLUTION\n### END SOLUTION", "alone on its line", 1),
])
def test_malformed_markers_name_file_cell_and_line(tmp_path, source, problem,
                                                   line):
    solutions, chapters = tmp_path / "solutions", tmp_path / "chapters"
    make_solution(solutions)  # a good one, which must not be written either
    make_solution(solutions, "02_bad.ipynb", source)
    with pytest.raises(MarkerError) as info:
        release(solutions, chapters)
    message = str(info.value)
    assert "02_bad.ipynb" in message and "cell 1" in message
    assert f"line {line}" in message and problem in message
    assert not chapters.exists()


def test_marker_in_markdown_is_an_error(tmp_path):
    solutions = tmp_path / "solutions"
    path = make_solution(solutions)
    nb = nbformat.read(path, 4)
    nb.cells[0].source = "### BEGIN SOLUTION\nanswer\n### END SOLUTION"
    nbformat.write(nb, path)
    with pytest.raises(MarkerError, match="code cells"):
        release(solutions, tmp_path / "chapters")


def test_cli_reports_marker_errors_with_exit_2(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    make_solution(solutions, source="### END SOLUTION")
    assert main(["release", "--solutions", str(solutions),
                 "--chapters", str(tmp_path / "chapters")]) == 2
    assert "stray" in capsys.readouterr().err


def test_a_students_edits_are_never_overwritten(course, capsys):
    solutions, chapters = course
    release(solutions, chapters)
    chapter = chapters / "01_demo.ipynb"
    nb = nbformat.read(chapter, 4)
    nb.cells[1].source = nb.cells[1].source.replace(
        "raise NotImplementedError()", "return x + x")
    nbformat.write(nb, chapter)
    student = chapter.read_bytes()
    make_solution(solutions, source=EXERCISE.replace("Doubles", "Twice"))

    args = ["release", "--solutions", str(solutions),
            "--chapters", str(chapters)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "01_demo.ipynb" in err and "--force" in err
    assert chapter.read_bytes() == student
    assert main(args + ["--force"]) == 0
    assert "Twice" in chapter.read_text()


def test_an_unknown_chapter_file_is_not_overwritten(course):
    solutions, chapters = course
    chapters.mkdir()
    (chapters / "01_demo.ipynb").write_text("my own notes")
    plan = release(solutions, chapters)
    assert plan.edited == ["01_demo.ipynb"]
    assert (chapters / "01_demo.ipynb").read_text() == "my own notes"


def test_manifest_records_the_hash_of_what_was_written(course):
    solutions, chapters = course
    release(solutions, chapters)
    text = (chapters / "01_demo.ipynb").read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert (chapters / MANIFEST).read_text() == (
        '{\n "version": 1,\n "note": "written by lstm-course release; '
        'do not edit",\n "chapters": {\n  "01_demo.ipynb": "'
        f'{digest}"\n }}\n}}\n')
    assert plan_release(solutions, chapters).up_to_date


def test_an_edited_chapter_is_skipped_and_the_next_one_written(tmp_path):
    """Release into a folder that does not exist yet, parents included;
    then a student edits chapter 01 and both solutions change: 01 is kept,
    02 is written."""
    solutions, chapters = tmp_path / "solutions", tmp_path / "a" / "chapters"
    make_solution(solutions)
    make_solution(solutions, "02_demo.ipynb")
    release(solutions, chapters)
    (chapters / "01_demo.ipynb").write_text("my answers")
    for name in ("01_demo.ipynb", "02_demo.ipynb"):
        make_solution(solutions, name, EXERCISE.replace("Doubles", "Twice"))
    plan = release(solutions, chapters)
    assert plan.edited == ["01_demo.ipynb"]
    assert (chapters / "01_demo.ipynb").read_text() == "my answers"
    assert "Twice" in (chapters / "02_demo.ipynb").read_text()


def test_repository_chapters_are_up_to_date(repo_root):
    plan = plan_release(repo_root / "solutions", repo_root / "chapters")
    assert plan.texts, "no solution notebooks found"
    assert plan.up_to_date, (
        f"chapters/ is stale: {plan.stale + plan.orphans}; "
        "run `lstm-course release`")


@pytest.mark.parametrize("source, message", [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", "<notebook>: cell 0, line 2: "
     "unclosed '### BEGIN SOLUTION': no '### END SOLUTION' follows it"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
     "<notebook>: cell 0, line 2: nested '### BEGIN SOLUTION': the region "
     "opened on line 1 is not closed"),
    ("x = 1\n### END SOLUTION", "<notebook>: cell 0, line 2: stray "
     "'### END SOLUTION' with no '### BEGIN SOLUTION' before it"),
    ("x = 1  ### BEGIN SOLUTION", "<notebook>: cell 0, line 1: a solution "
     "marker must be alone on its line: 'x = 1  ### BEGIN SOLUTION'"),
])
def test_marker_errors_read_whole(source, message):
    with pytest.raises(MarkerError) as info:
        replace_solutions(source)
    assert str(info.value) == message


def test_a_marker_in_markdown_names_its_cell(tmp_path):
    solutions = tmp_path / "solutions"
    path = make_solution(solutions)
    nb = nbformat.read(path, 4)
    nb.cells[2].cell_type = "markdown"
    nb.cells[2].source = "text\n### END SOLUTION"
    del nb.cells[2]["outputs"], nb.cells[2]["execution_count"]
    nbformat.write(nb, path)
    with pytest.raises(MarkerError) as info:
        release(solutions, tmp_path / "chapters")
    assert (info.value.path, info.value.cell, info.value.line) == (path, 2, 2)
    assert str(info.value).endswith(": cell 2, line 2: solution markers "
                                    "belong in code cells, found in a "
                                    "markdown cell")


def test_a_chapter_without_its_manifest_entry_is_stale_not_edited(course):
    """The text is the release's but nothing records that we wrote it: the
    plan rewrites it (and the manifest), never calls it a student's."""
    solutions, chapters = course
    release(solutions, chapters)
    (chapters / MANIFEST).unlink()
    plan = plan_release(solutions, chapters)
    assert (plan.stale, plan.edited) == (["01_demo.ipynb"], [])


def test_a_damaged_manifest_or_no_solutions_say_what_to_do(course):
    solutions, chapters = course
    release(solutions, chapters)
    (chapters / MANIFEST).write_text("{}")
    with pytest.raises(ValueError) as error:
        plan_release(solutions, chapters)
    assert str(error.value) == (f"{chapters / MANIFEST} is damaged "
                                "('chapters'); remove it and release with "
                                "--force")
    with pytest.raises(FileNotFoundError) as error:
        plan_release(solutions.parent / "nowhere", solutions.parent / "new")
    assert str(error.value) == (
        f"no solutions folder at {solutions.parent / 'nowhere'}")


def test_release_reads_and_writes_utf8_whatever_the_locale(tmp_path):
    """A solution with non-ASCII text (sigma, an em dash) released by a
    Python whose locale encoding is ASCII (C locale, no UTF-8 mode), as on
    some student and CI machines: chapters are UTF-8 all the same."""
    solutions, chapters = tmp_path / "solutions", tmp_path / "chapters"
    make_solution(solutions, source=EXERCISE.replace("Doubles", "σ — twice"))
    script = ("import sys; from pathlib import Path; "
              "from lstm_course.release import release, plan_release; "
              "release(Path(sys.argv[1]), Path(sys.argv[2])); "
              "assert plan_release(Path(sys.argv[1]), "
              "Path(sys.argv[2])).up_to_date")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0",
           "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", script, str(solutions),
                           str(chapters)], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "σ — twice" in (chapters / "01_demo.ipynb").read_bytes().decode(
        "utf-8")
