"""The CLI's wiring: each command reaches its function with its defaults."""

import subprocess
import sys
from pathlib import Path

import pytest

from lstm_course import cli


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "release" in out and "run-solutions" in out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == 2


def test_release_defaults_to_solutions_and_chapters(monkeypatch, tmp_path):
    seen = {}

    def fake_release(solutions, chapters, force=False):
        seen.update(solutions=solutions, chapters=chapters, force=force)
        from lstm_course.release import ReleasePlan
        return ReleasePlan()

    monkeypatch.setattr("lstm_course.release.release", fake_release)
    assert cli.main(["release"]) == 0
    assert str(seen["solutions"]) == "solutions"
    assert str(seen["chapters"]) == "chapters" and seen["force"] is False


def test_missing_solutions_folder_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["release", "--solutions", str(tmp_path / "nope")]) == 2
    assert "no solutions folder" in capsys.readouterr().err


def test_run_solutions_refuses_a_bad_mode(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LSTM_COURSE_MODE", "quick")
    (tmp_path / "01_x.ipynb").write_text("{}")
    assert cli.main(["run-solutions", str(tmp_path / "01_x.ipynb")]) == 2
    assert "'quick' is not a mode" in capsys.readouterr().err


def test_console_script_is_installed():
    """The ``lstm-course`` command itself, beside the Python that runs the
    tests (pip puts a project's scripts there), not ``python -m``."""
    script = Path(sys.executable).parent / "lstm-course"
    assert script.is_file(), f"{script} is missing: pip install -e ."
    done = subprocess.run([str(script), "release", "--help"],
                          capture_output=True, text=True, check=True)
    assert "--check" in done.stdout


def test_the_commands_and_the_grader_import_no_deep_learning_framework():
    """``lstm-course``, the grader and the exercise catalog need NumPy only:
    importing TensorFlow would cost every command and every grading run
    seconds before it does anything."""
    code = ("import sys, lstm_course.cli, lstm_course.grading.grade, "
            "lstm_course.grading.gradescope, lstm_course.exercises; "
            "print(sorted({'keras', 'tensorflow', 'jax', 'torch'} "
            "& set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"
