"""Gradescope: ``lstm-course gradescope-autograder OUT.zip`` builds the
autograder package Gradescope asks for, and ``python -m
lstm_course.grading.gradescope SUBMISSION RESULTS`` is what its
``run_autograder`` calls.

Gradescope's layout (its "autograder specifications"): the zip is unpacked
into ``/autograder/source``; ``setup.sh`` runs once, as root, when the
image is built; for each submission the files the student uploaded are in
``/autograder/submission`` and ``/autograder/run_autograder`` must leave
``/autograder/results/results.json``. ``AUTOGRADER_ROOT`` (default
``/autograder``) and ``AUTOGRADER_PYTHON`` move both, for testing.

The zip carries the course as a wheel built from the installed package,
so the autograder grades with exactly the version that built it, and
``constraints.txt`` pins every other package to the versions installed
here: ``setup.sh`` installs into a virtual environment with pip, no conda.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import platform
import sys
import zipfile
from pathlib import Path

import lstm_course
from lstm_course.grading import reports
from lstm_course.grading.defaults import EXERCISE_TIMEOUT
from lstm_course.grading.grade import UsageError, grade
from lstm_course.grading.sandbox import find as find_sandbox

DISTRIBUTION = "lstm-course"
#: what Gradescope documents for results.json (keys we may write, types)
RESULT_KEYS = {"score": (int, float), "output": str, "visibility": str,
               "stdout_visibility": str, "tests": list,
               "execution_time": (int, float)}
TEST_KEYS = {"name": str, "score": (int, float), "max_score": (int, float),
             "status": str, "output": str, "visibility": str}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds
# the autograder's image: a virtual environment with the course pinned to
# the version that built this zip ({version}, Python {python} there).
set -euo pipefail
cd "$(dirname "$0")"
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
if command -v apt-get >/dev/null; then
  apt-get update -qq
  # bubblewrap: the grader's sandbox, where the container lets it start
  apt-get install -y -qq python3 python3-venv python3-pip bubblewrap
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet -c constraints.txt --upgrade pip
"$ROOT/venv/bin/python" -m pip install --quiet -c constraints.txt \\
  "./{wheel}"
"$ROOT/venv/bin/lstm-course" --help >/dev/null
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade the notebooks the student
# uploaded, write /autograder/results/results.json.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
exec "$PYTHON" -m lstm_course.grading.gradescope "$ROOT/submission" \\
  "$ROOT/results/results.json" --sandbox {sandbox} --timeout {timeout}
"""


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def wheel() -> tuple[str, bytes]:
    """``(file name, bytes)`` of a wheel of the installed course: its
    package files and its metadata, as pip installs them."""
    dist = importlib.metadata.distribution(DISTRIBUTION)
    version = dist.version
    info = f"lstm_course-{version}.dist-info"
    metadata = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if not metadata:
        raise UsageError("the installed lstm-course has no metadata to put "
                         "in a wheel; reinstall it (pip install -e .)")
    files: dict[str, bytes] = {}
    package = Path(lstm_course.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts \
                and path.suffix != ".pyc":
            files[f"lstm_course/{path.relative_to(package).as_posix()}"] = \
                path.read_bytes()
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: lstm-course "
                              b"gradescope-autograder\nRoot-Is-Purelib: true"
                              b"\nTag: py3-none-any\n")
    entry_points = dist.read_text("entry_points.txt")
    if entry_points:
        files[f"{info}/entry_points.txt"] = entry_points.encode()
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n"
                     for name, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(_entry(name), data)
    return f"lstm_course-{version}-py3-none-any.whl", out.getvalue()


def _entry(name: str, mode: int = 0o644) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    entry.external_attr = (0o100000 | mode) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def constraints() -> str:
    """Every installed distribution but the course, pinned: pip installs
    the course's dependencies at the versions it was tested with here."""
    pins = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() != DISTRIBUTION:
            pins[name.lower()] = f"{name}=={dist.version}"
    return "".join(f"{pins[k]}\n" for k in sorted(pins))


def build_autograder(out: Path, sandbox: str = "auto",
                     timeout: float = EXERCISE_TIMEOUT) -> dict:
    """Write Gradescope's autograder zip to ``out``; returns what it
    holds."""
    if out.suffix != ".zip":
        raise UsageError(f"{out}: Gradescope takes a .zip")
    if sandbox not in ("required", "auto"):
        raise UsageError("the autograder's --sandbox is required or auto "
                         f"(student code never runs unguarded), got {sandbox}")
    if timeout <= 0:
        raise UsageError(f"--timeout must be > 0 seconds, got {timeout:g}")
    name, data = wheel()
    python = platform.python_version()
    files = {
        "setup.sh": (SETUP.format(version=lstm_course_version(), wheel=name,
                                  python=python), 0o755),
        "run_autograder": (RUN.format(sandbox=sandbox, timeout=timeout),
                           0o755),
        "constraints.txt": (constraints(), 0o644),
        name: (data, 0o644)}
    with zipfile.ZipFile(out, "w") as archive:
        for file_name, (content, mode) in files.items():
            archive.writestr(_entry(file_name, mode), content)
    return {"path": str(out), "bytes": out.stat().st_size,
            "files": list(files), "version": lstm_course_version(),
            "python": python}


def lstm_course_version() -> str:
    return importlib.metadata.version(DISTRIBUTION)


# --- inside Gradescope -------------------------------------------------------

def nothing_graded(problem: str) -> dict:
    """The results.json of an upload with nothing to grade, saying why."""
    return {"score": 0, "output": f"Nothing was graded: {problem}",
            "visibility": "visible", "stdout_visibility": "hidden",
            "tests": []}


def validate(data: dict) -> None:
    """Raise ValueError if ``data`` has a key or a type Gradescope does not
    document for results.json."""
    def check(obj, keys, where):
        for key, value in obj.items():
            if key not in keys:
                raise ValueError(f"{where}: {key!r} is not a results.json key")
            if not isinstance(value, keys[key]) or isinstance(value, bool):
                raise ValueError(f"{where}: {key} is a "
                                 f"{type(value).__name__}")
        if obj.get("visibility", "visible") not in VISIBILITIES:
            raise ValueError(f"{where}: visibility {obj['visibility']!r}")

    check(data, RESULT_KEYS, "results")
    if "score" not in data and not all("score" in t for t in data["tests"]):
        raise ValueError("results: no score, and a test without one")
    for i, test in enumerate(data.get("tests", [])):
        check(test, TEST_KEYS, f"tests[{i}]")
        if test.get("status", "passed") not in ("passed", "failed"):
            raise ValueError(f"tests[{i}]: status {test['status']!r}")


def autograde(submission: Path, out: Path, sandbox: str = "auto",
              timeout: float = EXERCISE_TIMEOUT) -> dict:
    """Grade everything the student uploaded as one student's hand-in and
    write results.json; a submission with nothing to grade still gets a
    results.json that says why."""
    try:
        run = grade([submission], timeout=timeout,
                    sandbox=find_sandbox(sandbox), student="submission")
        data = reports.gradescope(run)
    except UsageError as error:
        data = nothing_graded(str(error))
    validate(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    reports.write_json(data, out)
    return data


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Gradescope's "
                                     "run_autograder: grade SUBMISSION, "
                                     "write RESULTS")
    parser.add_argument("submission", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--sandbox", choices=("required", "auto"),
                        default="auto")
    parser.add_argument("--timeout", type=float, default=EXERCISE_TIMEOUT)
    args = parser.parse_args(argv)
    data = autograde(args.submission, args.results, args.sandbox,
                     args.timeout)
    print(data["output"])
    print(f"score: {data['score']:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
