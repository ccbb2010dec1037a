"""A student's chapters are graded in one worker (TensorFlow imported once
per student, not once per notebook), and a chapter handed in twice is
graded and counted once: the copy nearest the top of the student's
folder."""

from __future__ import annotations

import nbformat
import pytest

from lstm_course.grading import runner, sandbox
from lstm_course.grading.grade import grade
from tests.conftest import REPO
from tests.grading.test_hostile import GOOD_BODY, HEAD, TARGET, base_notebook

pytestmark = pytest.mark.slow  # grades through sandboxed workers


def student_with_two_chapters(folder):
    folder.mkdir(parents=True)
    for name in ("01_rnn_bptt.ipynb", "03_lstm1997.ipynb"):
        notebook = nbformat.read(REPO / "solutions" / name, 4)
        for cell in notebook.cells:
            cell.outputs = []
        nbformat.write(notebook, folder / name)
    return folder


def count_workers(monkeypatch):
    sandbox.find("required")  # its probe, started once per process
    started = []
    popen = runner.subprocess.Popen

    def counting(*args, **kwargs):
        started.append(args[0])
        return popen(*args, **kwargs)

    monkeypatch.setattr(runner.subprocess, "Popen", counting)
    return started


def test_a_students_chapters_share_one_worker(tmp_path, monkeypatch,
                                              sandboxed):
    started = count_workers(monkeypatch)
    folder = student_with_two_chapters(tmp_path / "ada")
    run = grade([folder], seed=3, timeout=60)
    assert [s.path for s in run.submissions] == ["01_rnn_bptt.ipynb",
                                                 "03_lstm1997.ipynb"]
    for submission in run.submissions:
        assert submission.exercises
        assert submission.score == submission.max_score, [
            (e.id, e.message) for e in submission.exercises]
    assert len(started) == 1


def test_a_chapter_handed_in_twice_is_graded_and_counted_once(
        tmp_path, monkeypatch, sandboxed):
    started = count_workers(monkeypatch)
    good = base_notebook()
    wrong = base_notebook()
    for cell in wrong.cells:
        if cell.source.startswith(f"# EXERCISE {TARGET}"):
            cell.source = HEAD + GOOD_BODY.replace("np.tanh", "np.sin")
    folder = tmp_path / "bo"
    (folder / "chapters" / "old").mkdir(parents=True)
    nbformat.write(wrong, folder / "chapters" / "01_rnn_bptt.ipynb")
    nbformat.write(good, folder / "01_rnn_bptt.ipynb")
    nbformat.write(good, folder / "chapters" / "old" / "01_copy.ipynb")
    run = grade([folder], seed=3, timeout=60)
    by_path = {s.path: s for s in run.submissions}
    graded = by_path["01_rnn_bptt.ipynb"]
    assert (graded.score, graded.max_score) == (4, 12)  # 2 of 5 handed in
    for path in ("chapters/01_rnn_bptt.ipynb", "chapters/old/01_copy.ipynb"):
        duplicate = by_path[path]
        assert duplicate.exercises == [] and duplicate.max_score == 0
        assert ("handed in more than once; only 01_rnn_bptt.ipynb is graded"
                in duplicate.error)
    assert sum(s.max_score for s in run.submissions) == 12
    assert len(started) == 1
