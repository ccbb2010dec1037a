"""A student's path through JupyterLab, in a real browser: `make lab` on a
copy of chapters/, chapter 01 opened, the imports cell run, a correct
answer typed into the first exercise and checked ("passed"), then a wrong
one (the failing sub-check and its hint), a screenshot of each state."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import REPO
from tests.lab_server import lab_server

CHAPTER = "01_rnn_bptt.ipynb"
EXERCISE = "ch01.rnn_step_forward"
RIGHT = (f"# EXERCISE {EXERCISE}\n"
         "def rnn_step_forward(x_t, h_prev, params): return np.tanh("
         'x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])')
WRONG = (f"# EXERCISE {EXERCISE}\n"
         "def rnn_step_forward(x_t, h_prev, params): return np.tanh("
         'x_t @ params["W_xh"] + params["b_h"])')
RUN_TIMEOUT_MS = 180_000  # the imports cell loads TensorFlow


def passed(report: str) -> bool:
    """The check's report says every sub-check passed."""
    return bool(re.search(rf"{re.escape(EXERCISE)}: .*\n(  \[pass\] .*\n)+"
                          r"  (\d+)/\2 sub-checks passed", report))


def failed_with_hint(report: str) -> bool:
    """The report names a failing sub-check, what was wrong, and a hint."""
    return bool(re.search(r"  \[FAIL\] [^:\n]+: .*expected.*\n\s+hint: \S",
                          report))


def test_report_readers_tell_a_pass_from_a_failure():
    right = (f"{EXERCISE}: one step of the Elman RNN (2 points)\n"
             "  [pass] one example\n  [pass] a batch of 6\n"
             "  2/2 sub-checks passed, 2/2 points\n")
    assert passed(right) and not failed_with_hint(right)
    broken = right.replace("2/2 sub-checks", "1/2 sub-checks")
    assert not passed(broken)
    wrong = (f"{EXERCISE}: one step of the Elman RNN (2 points)\n"
             "  [FAIL] one example: h_t: expected 0.5, got 0.1\n"
             "         hint: add the recurrent term\n")
    assert failed_with_hint(wrong) and not passed(wrong)
    assert not failed_with_hint(wrong.replace("hint: add the recurrent term",
                                              "hint:"))


class Notebook:
    """The open notebook, driven as a student drives it."""

    def __init__(self, page):
        self.page = page

    def cell(self, text: str):
        return self.page.locator(".jp-Notebook .jp-CodeCell").filter(
            has_text=text).first

    def code_cells(self):
        return self.page.locator(".jp-Notebook .jp-CodeCell")

    def run(self, cell) -> None:
        """Click into the cell, Shift+Enter, wait until it has run."""
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        cell.locator(".jp-InputPrompt").filter(
            has_text=re.compile(r"\[\d+\]")).wait_for(timeout=RUN_TIMEOUT_MS)

    def type_into(self, cell, source: str) -> None:
        """Replace the cell's text, as typing it would (no auto-indent)."""
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(source)

    def output(self, cell) -> str:
        area = cell.locator(".jp-OutputArea-output")
        area.first.wait_for(timeout=RUN_TIMEOUT_MS)
        return "\n".join(area.all_inner_texts())

    def check_cell_after(self, text: str):
        """The code cell that follows the exercise's cell."""
        cells = self.code_cells()
        for i in range(cells.count() - 1):
            if text in cells.nth(i).inner_text():
                return cells.nth(i + 1)
        raise AssertionError(f"no cell after {text!r}")


@pytest.mark.slow
def test_a_student_answers_an_exercise_and_reads_the_check(
        browser, screenshots, tmp_path):
    chapters = tmp_path / "chapters"
    shutil.copytree(REPO / "chapters", chapters)
    original = (REPO / "chapters" / CHAPTER).read_bytes()
    with lab_server(tmp_path, chapters) as (base, token):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/lab/tree/{CHAPTER}?token={token}")
        notebook = Notebook(page)
        notebook.cell(f"# EXERCISE {EXERCISE}").wait_for(timeout=60_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']"
                     ).wait_for(timeout=60_000)
        # no news or update prompt, no dialog in the student's way
        assert page.locator(".jp-Notification-Toast, .Toastify__toast, "
                            ".jp-Dialog").count() == 0
        page.screenshot(path=screenshots / "1-opened.png")

        notebook.run(notebook.code_cells().first)  # the imports cell
        exercise = notebook.cell(f"# EXERCISE {EXERCISE}")
        check = notebook.check_cell_after(f"# EXERCISE {EXERCISE}")
        assert f'check("{EXERCISE}"' in check.inner_text()

        notebook.type_into(exercise, RIGHT)
        notebook.run(exercise)
        notebook.run(check)
        report = notebook.output(check)
        check.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / "2-right-answer.png")
        assert passed(report), report

        notebook.type_into(exercise, WRONG)
        notebook.run(exercise)
        notebook.run(check)
        page.wait_for_function(
            "cell => cell.innerText.includes('[FAIL]')",
            arg=check.element_handle(), timeout=RUN_TIMEOUT_MS)
        report = notebook.output(check)
        check.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / "3-wrong-answer.png")
        assert failed_with_hint(report) and not passed(report), report
        assert errors == [], errors
        page.close()
    assert (REPO / "chapters" / CHAPTER).read_bytes() == original
