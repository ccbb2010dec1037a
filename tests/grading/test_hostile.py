"""Hostile hand-ins (issue 4): each is a student in one class, built from
the chapter 01 solution, graded once through the command line. Each must
score zero on the exercise it attacks, with a reason, while the grader
finishes everything else, exits as for a normal run, and leaves every
hand-in byte-identical.

Their imports cell imports NumPy alone, all that the two exercises use: the
attacks are in the exercise cells, and the solution's imports cell (Keras,
and with it TensorFlow, in each of the class's ~35 workers) would only add
minutes. The sandbox-attack class and the graded solutions keep it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from lstm_course.exercises import get
from lstm_course.exercises.registry import draw_inputs
from tests.conftest import REPO
from tests.grading.conftest import require_sandbox

pytestmark = pytest.mark.slow  # grades through sandboxed workers

SOLUTION = REPO / "solutions" / "01_rnn_bptt.ipynb"
TARGET = "ch01.rnn_step_forward"
OTHER = "ch01.numerical_gradient"  # must still pass in every notebook
SEED = 7
HEAD = f"# EXERCISE {TARGET}\ndef rnn_step_forward(x_t, h_prev, params):\n"
GOOD_BODY = ("    return np.tanh(x_t @ params['W_xh'] + h_prev @ params['W_hh']"
             " + params['b_h'])\n")


def body(*lines):
    return HEAD + "".join(f"    {line}\n" for line in lines)


def default_seed_answer():
    exercise = get(TARGET)
    inputs = draw_inputs(exercise, 0)["one example"]
    return exercise.reference(inputs)["h_t"].tolist()


EXERCISE_CASES = {
    "endless_loop": (body("while True:", "    pass"), "timeout", "timeout"),
    "sleep": ("import time\n" + body("time.sleep(10**6)"), "timeout",
              "timeout"),
    "allocate_50_gb": (body("return np.ones(50 * 2**30 // 8)"), "error",
                       "MemoryError"),
    "os_exit": ("import os\n" + body("os._exit(0)"), "error",
                "without returning a result"),
    "sys_exit": ("import sys\n" + body("sys.exit(0)"), "error", "SystemExit"),
    "raise_system_exit_at_definition": (HEAD + GOOD_BODY + "raise SystemExit\n",
                                        "error", "SystemExit"),
    "keyboard_interrupt": (body("raise KeyboardInterrupt"), "error",
                           "KeyboardInterrupt"),
    "kill_parent": ("import os\n" + body("os.kill(os.getppid(), 9)",
                                         "return 0"), "error", "os.kill"),
    "fork_loop": ("import os\n" + body("for _ in range(6):", "    os.fork()",
                                       "return 0"), "error", "os.fork"),
    "patch_allclose": (body("np.allclose = lambda *a, **k: True",
                            "np.testing.assert_allclose = lambda *a, **k: None",
                            "return np.zeros_like(h_prev)"), "failed",
                       "max abs error"),
    "patch_builtins": ("import builtins\n" + body(
        "builtins.abs = lambda x: 0", "builtins.isinstance = lambda *a: True",
        "return np.zeros_like(h_prev)"), "error",
        "without returning a result"),
    "patch_compare_helpers": (
        "import lstm_course.exercises.compare as compare\n"
        "compare.compare = lambda *a, **k: None\n" + body("return 0"),
        "error", "lstm_course.exercises"),
    "fake_report_output": (body(
        "print('| ch01.rnn_step_forward | passed | 2/2 |')",
        "print('{\"score\": 12, \"max_score\": 12}')",
        "print('::error::pwned')", "return np.zeros_like(h_prev)"),
        "failed", "max abs error"),
    "write_next_to_handin": (body(
        "open(__HANDIN__ + '/evil.txt', 'w').write('x')", "return 0"),
        "error", "may not write files"),
    "delete_handin": ("import os\n" + body("os.remove(__NOTEBOOK__)",
                                           "return 0"), "error", "os.remove"),
    "write_grader_output": (body(
        "open(__OUTPUT__, 'w').write('{}')", "return 0"), "error",
        "may not write files"),
    "lying_object": (body(
        "class Liar:",
        "    def __eq__(self, other): return True",
        "    def __float__(self): return 0.0",
        "    def __array__(self, dtype=None, copy=None):",
        "        return np.full((1, 1), 0.5)",
        "return Liar()"), "failed", "expected shape"),
    "wrong_shape": (body("return np.zeros((2, 2))"), "failed",
                    "expected shape"),
    "wrong_dtype": (body("return np.array([['a']])"), "error", "dtype"),
    "nan": (body("return np.full_like(h_prev, np.nan)"), "failed",
            "non-finite"),
    "inf": (body("return np.full_like(h_prev, np.inf)"), "failed",
            "non-finite"),
    "hard_coded_default_seed": (body(
        f"return np.array({default_seed_answer()!r})"), "failed",
        "expected shape"),
    "imports_reference": ("from lstm_course.reference import rnn_np\n" + body(
        "return rnn_np.step_forward(x_t, h_prev, params)[0]"), "error",
        "reference"),
    "dynamic_import_of_reference": (body(
        "m = __import__('lstm_course.reference.rnn_np', fromlist=['x'])",
        "return m.step_forward(x_t, h_prev, params)[0]"), "error",
        "__import__"),
    "sys_modules": ("import sys\n" + body(
        "m = sys.modules['lstm_course.reference.rnn_np']",
        "return m.step_forward(x_t, h_prev, params)[0]"), "error",
        "sys.modules"),
    "magic_and_shell_escape": (
        f"# EXERCISE {TARGET}\n%matplotlib inline\n!rm -rf /tmp/nothing\n"
        + HEAD.split("\n", 1)[1] + GOOD_BODY, "passed", None),
}

IMPORTS_CASES = {
    "imports_sys_exit": ("import sys\nsys.exit(0)", "SystemExit"),
    "imports_os_exit": ("import os\nos._exit(0)", "imports cell"),
    "imports_keyboard_interrupt": ("raise KeyboardInterrupt",
                                   "KeyboardInterrupt"),
}


def cells_of(notebook, exercise_ids):
    keep = [notebook.cells[1]]  # the imports cell
    for cell in notebook.cells:
        first = cell.source.split("\n", 1)[0]
        if cell.cell_type == "code" and any(
                first == f"# EXERCISE {i}" for i in exercise_ids):
            keep.append(cell)
    return keep


NUMPY_ONLY = "import numpy as np\n"


def base_notebook(imports: str | None = None):
    """The solution's imports cell (or ``imports``) and its two exercise
    cells, without outputs."""
    notebook = nbformat.read(SOLUTION, 4)
    notebook.cells = cells_of(notebook, [TARGET, OTHER])
    for cell in notebook.cells:
        cell.outputs = []
    if imports is not None:
        notebook.cells[0].source = imports
    return notebook


def write(folder, notebook):
    folder.mkdir(parents=True)
    path = folder / "01_rnn_bptt.ipynb"
    nbformat.write(notebook, path)
    return path


def build_class(root, output):
    students = {}
    for name, (source, _, _) in EXERCISE_CASES.items():
        notebook = base_notebook(NUMPY_ONLY)
        path = root / name / "01_rnn_bptt.ipynb"
        source = (source.replace("__HANDIN__", repr(str(path.parent)))
                  .replace("__NOTEBOOK__", repr(str(path)))
                  .replace("__OUTPUT__", repr(str(output))))
        header = f"# EXERCISE {TARGET}\n"
        if not source.startswith(header):  # imports go under the header
            source = header + source.replace(header, "", 1)
        target = next(c for c in notebook.cells
                      if c.source.startswith(header))
        target.source = source
        students[name] = write(root / name, notebook)
    for name, (source, _) in IMPORTS_CASES.items():
        notebook = base_notebook(NUMPY_ONLY)
        notebook.cells[0].source = source
        students[name] = write(root / name, notebook)
    text = nbformat.writes(base_notebook(NUMPY_ONLY)).encode()
    files = {
        "not_json": b"this is not a notebook",
        "truncated_json": text[:500],
        "nbformat_3": json.dumps({"nbformat": 3, "nbformat_minor": 0,
                                  "worksheets": [], "metadata": {}}).encode(),
        "non_utf8": text.replace(b"rnn_step_forward",
                                 b"rnn_step_\xff\xfeforward", 1),
    }
    for name, data in files.items():
        (root / name).mkdir()
        (root / name / "01_rnn_bptt.ipynb").write_bytes(data)
    huge = root / "huge" / "01_rnn_bptt.ipynb"
    huge.parent.mkdir()
    with open(huge, "wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB without the disk
    for name, change in {
        "missing_cell": lambda nb: nb.cells.pop(1),
        "duplicated_cell": lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell(nb.cells[1].source)),
        "renamed_cell": lambda nb: setattr(nb.cells[1], "source",
                                           nb.cells[1].source.replace(
                                               TARGET, TARGET + "x", 1)),
        "moved_to_markdown": lambda nb: nb.cells.__setitem__(
            1, nbformat.v4.new_markdown_cell(nb.cells[1].source)),
    }.items():
        notebook = base_notebook(NUMPY_ONLY)
        assert notebook.cells[1].source.startswith(f"# EXERCISE {TARGET}")
        change(notebook)
        students[name] = write(root / name, notebook)
    return students


def digest(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes())
            .hexdigest() if p.stat().st_size < 2**20 else p.stat().st_size
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("out")
    build_class(root, out / "grades.json")
    before = digest(root)
    process = subprocess.run(
        [sys.executable, "-m", "lstm_course.cli", "grade", str(root),
         "--json", str(out / "grades.json"), "--csv", str(out / "book.csv"),
         "--feedback-dir", str(out / "feedback"), "--junit",
         str(out / "junit.xml"), "--seed", str(SEED), "--timeout", "6",
         "--jobs", "2"], capture_output=True, text=True, timeout=900)
    report = json.loads((out / "grades.json").read_text())
    by_student = {s["student"]: s for s in report["submissions"]}
    return {"process": process, "by_student": by_student, "root": root,
            "out": out, "before": before, "after": digest(root)}


def exercise(graded, student, exercise_id):
    found = [e for e in graded["by_student"][student]["exercises"]
             if e["id"] == exercise_id]
    assert found, (student, graded["by_student"][student])
    return found[0]


def test_the_run_exits_normally_and_leaves_the_hand_ins_alone(graded):
    assert graded["process"].returncode == 0, graded["process"].stderr[-2000:]
    assert graded["before"] == graded["after"]
    assert not (graded["root"] / "write_next_to_handin" / "evil.txt").exists()
    report = json.loads((graded["out"] / "grades.json").read_text())
    assert report["seed"] == SEED and report["version"] == 1


@pytest.mark.parametrize("name", sorted(EXERCISE_CASES))
def test_hostile_exercise_cell(graded, name):
    _, status, fragment = EXERCISE_CASES[name]
    result = exercise(graded, name, TARGET)
    if status is None:  # any way of not passing, as long as it scores 0
        assert result["status"] != "passed", result
    else:
        assert result["status"] == status, result
    if status == "passed":  # a pass says so by its full score
        assert result["score"] == result["max_score"] > 0, result
    else:
        assert fragment and fragment in result["message"], result
        assert result["score"] == 0
    assert exercise(graded, name, OTHER)["status"] == "passed"


@pytest.mark.parametrize("name", sorted(IMPORTS_CASES))
def test_hostile_imports_cell(graded, name):
    fragment = IMPORTS_CASES[name][1]
    for exercise_id in (TARGET, OTHER):
        result = exercise(graded, name, exercise_id)
        assert result["score"] == 0 and result["status"] == "error"
        assert fragment in result["message"], result


@pytest.mark.parametrize("name, fragment", [
    ("not_json", "not valid JSON"), ("truncated_json", "not valid JSON"),
    ("nbformat_3", "nbformat 3"), ("non_utf8", "not UTF-8"),
    ("huge", "200 MB"),
])
def test_unreadable_notebooks(graded, name, fragment):
    submission = graded["by_student"][name]
    assert fragment in submission["error"]
    assert submission["score"] == 0
    assert all(fragment in e["message"] for e in submission["exercises"])


@pytest.mark.parametrize("name, fragment", [
    ("missing_cell", "no code cell starts with"),
    ("duplicated_cell", "2 code cells start with"),
    ("renamed_cell", "unknown ids: ch01.rnn_step_forwardx"),
    ("moved_to_markdown", "Markdown cell"),
])
def test_misplaced_exercise_cells(graded, name, fragment):
    result = exercise(graded, name, TARGET)
    assert result["status"] == "missing" and result["score"] == 0
    assert fragment in result["message"]
    assert exercise(graded, name, OTHER)["status"] == "passed"


def test_student_output_never_reaches_the_log_raw(graded):
    stdout = graded["process"].stdout
    assert "::error::pwned" not in stdout and "pwned" not in stdout
    junit = (graded["out"] / "junit.xml").read_text()
    assert "::error::" not in junit


def test_gradebook_has_a_row_per_student_and_feedback_files(graded):
    rows = (graded["out"] / "book.csv").read_text().strip().split("\n")
    assert rows[0].startswith("student,ch01.")
    assert len(rows) - 1 == len(graded["by_student"])
    feedback = sorted((graded["out"] / "feedback").glob("*.md"))
    assert len(feedback) == len(graded["by_student"])
    text = (graded["out"] / "feedback" / "endless_loop.md").read_text()
    assert "timeout" in text and "ch01.rnn_step_forward" in text


def test_hard_coded_answer_would_pass_on_the_default_seed_only():
    """The hostile case above is a real threat only if its answer is right
    for the default seed's inputs, and the grader's seed defeats it only if
    another seed's inputs have another answer."""
    source = EXERCISE_CASES["hard_coded_default_seed"][0]
    namespace = {"np": np}
    exec(source, namespace)
    exercise_ = get(TARGET)
    answer = namespace["rnn_step_forward"](None, None, None)
    default = draw_inputs(exercise_, 0)["one example"]
    np.testing.assert_allclose(answer, exercise_.reference(default)["h_t"])
    graded_seed = draw_inputs(exercise_, SEED)["one example"]
    expected = exercise_.reference(graded_seed)["h_t"]
    assert np.shape(answer) != np.shape(expected) or \
        not np.allclose(answer, expected)


def test_a_cell_that_defines_another_name(tmp_path, sandboxed):
    from lstm_course.grading.grade import grade

    notebook = base_notebook()
    notebook.cells[1].source = notebook.cells[1].source.replace(
        "def rnn_step_forward", "def step_forward")
    path = write(tmp_path / "student", notebook)
    run = grade([path], seed=1, timeout=30)
    (result,) = [e for e in run.submissions[0].exercises if e.id == TARGET]
    assert result.score == 0
    assert "does not define rnn_step_forward" in result.message
