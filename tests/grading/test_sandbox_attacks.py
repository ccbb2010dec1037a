"""The attacks of issue 18, each tried as a hostile student would, in one
class graded once through the command line with the sandbox required,
beside an honest student. None may score without solving, reach another
student, the grader or the machine, or crash the run; every hand-in stays
byte-identical and every report is written."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time

import nbformat
import pytest

from lstm_course.exercises import all_exercises
from tests.conftest import REPO
from tests.grading.conftest import require_sandbox
from tests.grading.test_hostile import (
    HEAD,
    OTHER,
    TARGET,
    base_notebook,
)

pytestmark = pytest.mark.slow  # grades through sandboxed workers

SEED = 11
TOKEN = "grader-secret-" + secrets.token_hex(8)
MARKER = "lstm-course-escape-" + secrets.token_hex(6)
CH01_IDS = sorted(e.id for e in all_exercises() if e.id.startswith("ch01."))
REFERENCE_FILE = REPO / "lstm_course" / "reference" / "rnn_np.py"
PACKAGE_FILE = REPO / "lstm_course" / "exercises" / "ch01.py"


def body(*lines):
    return HEAD + "".join(f"    {line}\n" for line in lines)


def hunt(route: str) -> str:
    """An exercise body that looks for the reference along ``route`` and
    returns its answer if it finds one."""
    return body(
        "import gc, sys",
        f"route = {route!r}",
        "def from_object(o):",
        "    ref = getattr(o, 'reference', None)",
        "    if callable(ref) and getattr(o, 'id', '') == "
        f"{TARGET!r}:",
        "        return ref({'x_t': x_t, 'h_prev': h_prev, **params})['h_t']",
        "if route == 'gc':",
        "    for o in gc.get_objects():",
        "        try:",
        "            got = from_object(o)",
        "        except Exception:",
        "            got = None",
        "        if got is not None:",
        "            return got",
        "if route == 'frames':",
        "    frame = sys._getframe()",
        "    while frame is not None:",
        "        for value in list(frame.f_locals.values()) + "
        "list(frame.f_globals.values()):",
        "            got = from_object(value)",
        "            if got is not None:",
        "                return got",
        "        frame = frame.f_back",
        "if route == 'getattr':",
        "    import lstm_course",
        "    m = getattr(getattr(lstm_course, 'reference'), 'rnn' + '_np')",
        "    return m.step_forward(x_t, h_prev, params)[0]",
        "if route == 'globals':",
        "    return check.__globals__['get'](" f"{TARGET!r}" ").reference("
        "{'x_t': x_t, 'h_prev': h_prev, **params})['h_t']",
        "if route == 'modules':",
        "    mods = getattr(sys, 'mod' + 'ules')",
        "    m = mods['lstm_course.' + 'reference.rnn_np']",
        "    return m.step_forward(x_t, h_prev, params)[0]",
        "raise NotImplementedError()")


EXEC_CODE = base64.b64encode(
    f"ns = {{}}\nexec(open({str(REFERENCE_FILE)!r}).read(), ns)\n"
    "RESULT = ns['step_forward']".encode()).decode()

SPAWN = (
    "import os, time\n"
    "os.setsid()\n"
    "time.sleep(4)\n"
    "open(__JSON__, 'w').write('{}')\n")

ATTACKS = {
    # -- score without solving ------------------------------------------------
    "frames": hunt("frames"),
    "gc_objects": hunt("gc"),
    "getattr_reference": hunt("getattr"),
    "check_globals": hunt("globals"),
    "sys_modules_getattr": hunt("modules"),
    "exec_base64": body(
        "import base64, builtins",
        "run = getattr(builtins, 'ex' + 'ec')",
        "ns = {}",
        f"run(base64.b64decode({EXEC_CODE!r}).decode(), ns)",
        "return ns['RESULT'](x_t, h_prev, params)[0]"),
    "read_solutions": body(
        f"text = open({str(REPO / 'solutions' / '01_rnn_bptt.ipynb')!r})"
        ".read()",
        "return np.zeros_like(h_prev)"),
    "patch_calls": body(
        "import sys",
        "calls = getattr(sys, 'mod' + 'ules')['sandboxed.calls']",
        f"calls.CALLS[{TARGET!r}] = lambda fn, inputs: "
        "{'h_t': inputs['h_prev'] * 0}",
        "return np.zeros_like(h_prev)"),
    # -- other students, the grader, the machine ------------------------------
    "spawn_and_setsid": body(
        "import sys",
        "from multiprocessing.util import spawnv_passfds",
        "code = __SPAWN__",
        f"spawnv_passfds(sys.executable, [sys.executable, '-c', code, "
        f"{MARKER!r}], [])",
        "return np.zeros_like(h_prev)"),
    "dir_fd_write": body(
        "import os, sqlite3",
        "for folder, name in __TARGETS__:",
        "    try:",
        "        fd = os.open(folder, os.O_RDONLY)",
        "        os.close(os.open(name, os.O_WRONLY | os.O_TRUNC | os.O_APPEND,"
        " dir_fd=fd))",
        "    except OSError:",
        "        pass",
        "    for make in (lambda: os.mkdir(folder + '/made'),",
        "                 lambda: os.mknod(folder + '/node'),",
        "                 lambda: sqlite3.connect(folder + '/db.sqlite')"
        ".execute('create table t (x)')):",
        "        try:",
        "            make()",
        "        except Exception:",
        "            pass",
        "raise PermissionError('all blocked')"),
    "forge_frames": body(
        "import os, struct, json",
        "def frame(header):",
        "    text = json.dumps({**header, 'arrays': []}).encode()",
        "    return struct.pack('<4sIQ', b'LCF1', len(text), 0) + text",
        "for pid in (os.getppid(), 1):",
        "    try:",
        "        fds = os.listdir(f'/proc/{pid}/fd')",
        "    except OSError:",
        "        continue",
        "    for fd in fds:",
        "        try:",
        "            out = os.open(f'/proc/{pid}/fd/{fd}', os.O_WRONLY)",
        "            os.write(out, frame({'kind': 'start', 'id': "
        f"{OTHER!r}, 'pgid': 1}}))",
        "            os.write(out, frame({'kind': 'done'}))",
        "            os.close(out)",
        "        except OSError:",
        "            pass",
        "return np.zeros_like(h_prev)"),
    "read_environ": body(
        "import os",
        "seen = []",
        "for pid in os.listdir('/proc'):",
        "    try:",
        "        seen.append(open(f'/proc/{pid}/environ', 'rb').read()"
        ".decode(errors='replace'))",
        "    except Exception:",
        "        pass",
        "raise ValueError(' '.join(seen))"),
    "raise_memory_limit": body(
        "import resource",
        "try:",
        "    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,"
        " resource.RLIM_INFINITY))",
        "except ValueError:",
        "    pass",
        "return np.ones(50 * 2**30 // 8)"),
    "network": body(
        "import socket",
        "udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "try:",
        "    udp.sendto(b'leak', ('127.0.0.1', __UDP__))",
        "except OSError:",
        "    pass",
        "tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "try:",
        "    tcp.sendto(b'leak', socket.MSG_FASTOPEN, ('127.0.0.1', __TCP__))",
        "except OSError:",
        "    pass",
        "return np.zeros_like(h_prev)"),
    "fill_scratch": body(
        "import os",
        "with open(os.path.join(os.environ.get('TMPDIR', '.'), 'big'), 'wb')"
        " as f:",
        "    for _ in range(200):",
        "        f.write(b'x' * 2**20)",
        "return np.zeros_like(h_prev)"),
    "fill_shm": body(  # dir_fd gets past the audit hook, not the sandbox
        "import os",
        "shm = os.open('/dev/shm', os.O_RDONLY)",
        "fd = os.open('big', os.O_WRONLY | os.O_CREAT, dir_fd=shm)",
        "for _ in range(200):",
        "    os.write(fd, b'x' * 2**20)",
        "return np.zeros_like(h_prev)"),
    "frame_bomb": body(
        "import os, struct",
        "deep = b'[' * 100000 + b']' * 100000",
        "for fd in range(3, 64):",
        "    try:",
        "        os.set_blocking(fd, False)",
        "        os.write(fd, struct.pack('<4sIQ', b'LCF1', len(deep), 0)"
        " + deep)",
        "        os.write(fd, struct.pack('<4sIQ', b'LCF1', 10, 2**32) + b'{}')",
        "    except OSError:",
        "        pass",
        "os._exit(0)"),
    # -- messages the reports must survive -----------------------------------
    "surrogate_message": body("raise ValueError('\\udcff\\ud800 oops')"),
    "parse_bomb": HEAD + "    x = " + "-" * 150000 + "1\n",
}

# Imports cells that try to turn a stub into marks (every exercise is left
# as the released `raise NotImplementedError()`).
IMPORTS_ATTACKS = {
    "stub_with_registry_patch": (
        "import numpy as np\n"
        "from lstm_course.exercises import catalog\n"
        "for e in catalog.all_exercises():\n"
        "    object.__setattr__(e, 'run', lambda obj, inputs, e=e: "
        "e.reference(inputs))\n"),
    "stub_with_calls_patch": (
        "import numpy as np, sys\n"
        "calls = sys.modules['sandboxed.calls']\n"
        "for key in list(calls.CALLS):\n"
        "    calls.CALLS[key] = lambda fn, inputs: {}\n"),
    "imports_parse_bomb": "import numpy as np\nx = " + "-" * 200000 + "1\n",
}


def digest(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes())
            .hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def package_digest():
    folder = REPO / "lstm_course"
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.py"))}


def write(path, notebook):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def released_chapter_01():
    return nbformat.read(REPO / "chapters" / "01_rnn_bptt.ipynb", 4)


def build_class(root, output, ports):
    honest = write(root / "honest" / "01_rnn_bptt.ipynb", base_notebook())
    targets = [(str(honest.parent), honest.name),
               (str(PACKAGE_FILE.parent), PACKAGE_FILE.name),
               (str(REPO / "solutions"), "01_rnn_bptt.ipynb")]
    for name, source in ATTACKS.items():
        notebook = base_notebook()
        source = (source.replace("__SPAWN__", repr(SPAWN.replace(
            "__JSON__", repr(str(output)))))
            .replace("__TARGETS__", repr(targets))
            .replace("__UDP__", str(ports["udp"]))
            .replace("__TCP__", str(ports["tcp"])))
        cell = next(c for c in notebook.cells
                    if c.source.startswith(f"# EXERCISE {TARGET}"))
        cell.source = source
        write(root / name / "01_rnn_bptt.ipynb", notebook)
    for name, imports in IMPORTS_ATTACKS.items():
        notebook = released_chapter_01()
        code = [c for c in notebook.cells if c.cell_type == "code"]
        code[0].source = imports
        write(root / name / "01_rnn_bptt.ipynb", notebook)
    # Links to solutions/, to another student's work, to a device.
    for name, target in {"link_to_solution": REPO / "solutions"
                         / "01_rnn_bptt.ipynb",
                         "link_to_honest": honest,
                         "link_to_kmsg": "/proc/kmsg"}.items():
        (root / name).mkdir()
        (root / name / "01_rnn_bptt.ipynb").symlink_to(target)
    (root / "linked_folder").symlink_to(root / "honest")
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / "01_rnn_bptt.ipynb")
    # One chapter handed in four times.
    for place in ("01_rnn_bptt.ipynb", "chapters/01_rnn_bptt.ipynb",
                  "sub/folder/01_rnn_bptt.ipynb", "01_rnn_bptt_copy.ipynb"):
        write(root / "four_copies" / place, base_notebook())
    # Notebooks that crash a naive parser.
    (root / "deep_json").mkdir()
    (root / "deep_json" / "01_rnn_bptt.ipynb").write_text(
        '{"nbformat": 4, "cells": ' + "[" * 100000 + "]" * 100000 + "}")
    bad_source = json.loads(nbformat.writes(base_notebook()))
    bad_source["cells"][1]["source"] = [1]
    (root / "source_not_text").mkdir()
    (root / "source_not_text" / "01_rnn_bptt.ipynb").write_text(
        json.dumps(bad_source))
    strange = os.path.join(os.fsencode(root), b"stud\xff\xfeent")
    os.mkdir(strange)
    with open(os.path.join(strange, b"01_rnn_bptt.ipynb"), "w") as handle:
        handle.write(nbformat.writes(base_notebook()))


@pytest.fixture(scope="module")
def ports():
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
    except OSError:
        pass  # a kernel without fast open: the plain connect is tried too
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(5)
    tcp.setblocking(False)
    yield {"udp": udp.getsockname()[1], "tcp": tcp.getsockname()[1],
           "sockets": (udp, tcp)}
    udp.close()
    tcp.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, ports):
    require_sandbox()
    root = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("out")
    build_class(root, out / "grades.json", ports)
    before, package_before = digest(root), package_digest()
    env = dict(os.environ, LSTM_COURSE_TEST_TOKEN=TOKEN)
    process = subprocess.run(
        [sys.executable, "-m", "lstm_course.cli", "grade", str(root),
         "--json", str(out / "grades.json"), "--csv", str(out / "book.csv"),
         "--feedback-dir", str(out / "feedback"), "--junit",
         str(out / "junit.xml"), "--gradescope", str(out / "gs.json"),
         "--seed", str(SEED), "--timeout", "10", "--jobs", "2",
         "--sandbox", "required"],
        capture_output=True, text=True, timeout=900, env=env)
    time.sleep(6)  # what an escaped process would wait before it writes
    report = json.loads((out / "grades.json").read_text())
    by_student: dict = {}
    for submission in report["submissions"]:
        by_student.setdefault(submission["student"], []).append(submission)
    return {"process": process, "report": report, "by_student": by_student,
            "root": root, "out": out, "before": before,
            "after": digest(root), "package_before": package_before}


def result(graded, student, exercise_id):
    found = [e for s in graded["by_student"][student]
             for e in s["exercises"] if e["id"] == exercise_id]
    assert len(found) == 1, (student, graded["by_student"].get(student))
    return found[0]


def total(graded, student):
    subs = graded["by_student"][student]
    return (sum(s["score"] for s in subs), sum(s["max_score"] for s in subs))


def test_the_run_finishes_and_every_report_is_written(graded):
    process = graded["process"]
    assert process.returncode == 0, process.stderr[-3000:]
    for name in ("grades.json", "book.csv", "junit.xml", "gs.json"):
        assert (graded["out"] / name).stat().st_size > 0
    assert graded["report"]["seed"] == SEED
    assert graded["report"]["sandbox"].startswith("bubblewrap")
    assert "Sandbox: bubblewrap" in process.stdout
    feedback = list((graded["out"] / "feedback").glob("*.md"))
    assert len(feedback) == len(graded["by_student"])


def test_the_honest_student_is_graded_as_before(graded):
    assert total(graded, "honest") == (4, 12)
    assert result(graded, "honest", TARGET)["status"] == "passed"


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_no_attack_scores_on_the_exercise_it_attacks(graded, name):
    got = result(graded, name, TARGET)
    assert got["status"] != "passed" and got["score"] == 0, got
    assert got["message"], got
    assert result(graded, name, OTHER)["status"] == "passed"


@pytest.mark.parametrize("name, fragment", [
    ("getattr_reference", "course package's code"),
    ("check_globals", "__globals__"),
    ("exec_base64", "No such file"),
    ("read_solutions", "No such file"),
    ("raise_memory_limit", "MemoryError"),
    ("fill_scratch", "File too large"),
    ("fill_shm", "No space left"),
    ("frame_bomb", "no valid result"),
    ("parse_bomb", "cannot be parsed"),
    ("surrogate_message", "oops"),
])
def test_attacks_fail_for_the_reason_the_sandbox_gives(graded, name,
                                                       fragment):
    assert fragment in result(graded, name, TARGET)["message"]


@pytest.mark.parametrize("name", sorted(IMPORTS_ATTACKS))
def test_released_stubs_score_zero_whatever_the_imports_cell_does(graded,
                                                                  name):
    score, maximum = total(graded, name)
    assert (score, maximum) == (0, 12)
    for exercise_id in CH01_IDS:
        got = result(graded, name, exercise_id)
        assert got["status"] in ("error", "failed") and got["score"] == 0


@pytest.mark.parametrize("name", ["link_to_solution", "link_to_honest",
                                  "link_to_kmsg", "linked_folder"])
def test_links_are_not_followed(graded, name):
    subs = graded["by_student"][name]
    assert all(s["score"] == 0 for s in subs)
    assert all("symbolic link" in s["error"] for s in subs), subs


def test_a_pipe_is_not_a_hand_in(graded):
    (sub,) = graded["by_student"]["fifo"]
    assert sub["score"] == 0 and "not a regular file" in sub["error"]


def test_a_chapter_handed_in_four_times_counts_once(graded):
    assert total(graded, "four_copies") == (4, 12)
    subs = graded["by_student"]["four_copies"]
    assert [s["path"] for s in subs if not s.get("error")] == [
        "four_copies/01_rnn_bptt.ipynb"]
    assert sum("handed in more than once" in s.get("error", "")
               for s in subs) == 3
    rows = {row.split(",")[0]: row.split(",")
            for row in (graded["out"] / "book.csv").read_text().splitlines()}
    assert rows["four_copies"][-2:] == ["4", "12"]
    gradescope = json.loads((graded["out"] / "gs.json").read_text())
    # (Gradescope takes the maximum from its tests; no top-level max_score)
    assert sum(t["max_score"] for t in gradescope["tests"]) == sum(
        total(graded, student)[1] for student in graded["by_student"])


@pytest.mark.parametrize("name, fragment", [
    ("deep_json", "nested too deeply"),
    ("source_not_text", "neither text nor a list"),
])
def test_notebooks_that_crash_a_parser_score_zero(graded, name, fragment):
    (sub,) = graded["by_student"][name]
    assert sub["score"] == 0 and fragment in sub["error"]


def test_a_name_that_is_not_utf8_reaches_every_report(graded):
    name = "stud\\xff\\xfeent"
    assert total(graded, name) == (4, 12)
    assert name in (graded["out"] / "book.csv").read_text()
    assert name in (graded["out"] / "junit.xml").read_text()


def test_nothing_outside_scratch_was_touched(graded):
    assert graded["before"] == graded["after"]
    assert package_digest() == graded["package_before"]
    for folder in (graded["root"] / "honest", PACKAGE_FILE.parent,
                   REPO / "solutions"):
        for made in ("made", "node", "db.sqlite"):
            assert not (folder / made).exists()


def test_no_process_outlives_the_grader(graded):
    report = json.loads((graded["out"] / "grades.json").read_text())
    assert report["submissions"], "an escaped process rewrote --json"
    alive = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if MARKER.encode() in handle.read():
                    alive.append(pid)
        except OSError:
            pass
    assert alive == []


def test_the_graders_environment_does_not_leak(graded):
    assert TOKEN not in (graded["out"] / "grades.json").read_text()
    assert TOKEN not in graded["process"].stdout
    assert result(graded, "read_environ", TARGET)["status"] == "error"


def test_no_packet_reached_the_machine(graded, ports):
    udp, tcp = ports["sockets"]
    with pytest.raises(BlockingIOError):
        udp.recvfrom(64)
    with pytest.raises(BlockingIOError):
        tcp.accept()


def test_stand_ins_let_the_imports_cell_run_and_refuse_use_afterwards():
    code = subprocess.run(
        [sys.executable, "-I", "-c",
         "import sys; sys.path.insert(0, %r)\n"
         "from sandboxed import course_stub\n"
         "course_stub.install()\n"
         "from lstm_course import check, seed_everything\n"
         "from lstm_course.reference import rnn_np\n"
         "seed_everything(0)\n"
         "course_stub.seal()\n"
         "try:\n"
         "    rnn_np.step_forward(1, 2, 3)\n"
         "except course_stub.CourseCodeUnavailable as error:\n"
         "    print(error)\n"
         "try:\n"
         "    import lstm_course.tasks\n"
         "except course_stub.CourseCodeUnavailable as error:\n"
         "    print(error)\n"
         "print('real' if hasattr(sys.modules['lstm_course'], '__file__') "
         "else 'stand-in')\n" % str(REPO / "lstm_course")],
        capture_output=True, text=True, timeout=60, check=True)
    lines = code.stdout.splitlines()
    assert lines[0].startswith("lstm_course.reference.rnn_np.step_forward "
                               "is the course package's code")
    assert lines[1].startswith("lstm_course.tasks is the course package's")
    assert lines[2] == "stand-in"
