"""The solutions' lesson claims at class scale (`make test-class`, issue 25):
every solution notebook run top to bottom in class mode, where the asserts
that smoke mode is too small for hold the chapter's claims.

    python benchmarks/test_class.py [--in-place] [NOTEBOOK...]

Given notebooks, only those run; the committed rows of the others are kept.
Runs copies in a temporary folder beside solutions/ (so that a notebook's
``../benchmarks`` is the repository's; solutions/ keeps its outputs) or,
with ``--in-place``, the solutions themselves: their class-mode outputs are
then the committed ones (``make solutions`` and this in one run). Writes
``benchmarks/results/test_class.json`` and ``test_class.md``: each notebook,
passed or the error that stopped it, its wall time, and a fingerprint of its
code cells, by which the tests tell a result from an older notebook. Exits 1
if a notebook failed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from lstm_course.provenance import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def code_fingerprint(path: Path) -> str:
    """SHA-256 of the notebook's code cells (outputs and prose left out)."""
    nb = nbformat.read(path, as_version=4)
    code = "\n\0".join(cell.source for cell in nb.cells
                       if cell.cell_type == "code")
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def run_class_mode(path: Path, scratch: Path | None) -> dict:
    """One notebook in class mode, on a copy in ``scratch`` (None: the
    notebook itself, saved with its outputs if it passes): passed, or the
    error."""
    from nbclient.exceptions import CellExecutionError

    from lstm_course.execute import execute_notebook
    from lstm_course.modes import ENV_VAR

    copy = path if scratch is None else scratch / path.name
    if scratch is not None:
        copy.write_bytes(path.read_bytes())
    # The load average says what else the 2 cores ran: a wall time under
    # load is not the chapter's speed (benchmarks/chapter_times.py is).
    row = {"notebook": path.name, "code": code_fingerprint(path),
           "date": time.strftime("%Y-%m-%d"),
           "load_before": round(os.getloadavg()[0], 1)}
    saved = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = "class"  # the kernel inherits it
    try:
        row.update(passed=True, seconds=round(execute_notebook(copy), 1))
    except CellExecutionError as error:
        row.update(passed=False, error=f"{error.ename}: {error.evalue}")
    finally:  # this process's mode is the caller's again
        if saved is None:
            del os.environ[ENV_VAR]
        else:
            os.environ[ENV_VAR] = saved
    return row


def markdown(rows: list[dict]) -> str:
    lines = ["# Class mode: the lesson claims", "",
             "Every solution notebook run in class mode with its asserts "
             "(`make test-class`).", "",
             "| notebook | result | wall time | load average before |",
             "|---|---|---|---|"]
    for row in rows:
        result = "passed" if row["passed"] else f"FAILED: {row['error']}"
        seconds = f"{row['seconds']:.0f} s" if row["passed"] else "-"
        lines.append(f"| {row['notebook']} | {result} | {seconds} | "
                     f"{row['load_before']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    from lstm_course.release import solution_notebooks

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--in-place", action="store_true",
                        help="run the solutions themselves, keeping their "
                        "class-mode outputs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    every = solution_notebooks(ROOT / "solutions")
    notebooks = args.notebooks or every
    kept = {}
    previous = args.out / "test_class.json"
    if args.notebooks and previous.exists():
        kept = {row["notebook"]: row
                for row in json.loads(previous.read_text())["results"]}
    # --in-place needs no copies, so no scratch folder either.
    folder = contextlib.nullcontext() if args.in_place else \
        tempfile.TemporaryDirectory(dir=ROOT)
    with folder as scratch:
        for path in notebooks:
            kept[path.name] = run_class_mode(
                path, None if scratch is None else Path(scratch))
            print(markdown([kept[path.name]]).splitlines()[-1], flush=True)
    rows = [kept[path.name] for path in every if path.name in kept]
    write_results(args.out / "test_class.json", mode="class", results=rows)
    (args.out / "test_class.md").write_text(markdown(rows))
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
