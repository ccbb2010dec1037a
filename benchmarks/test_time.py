"""Wall time of `make test`'s two pytest runs (the whole suite in smoke mode
on TensorFlow, then the cell and model tests on JAX).

    python benchmarks/test_time.py

Writes ``benchmarks/results/test_time.json`` with each run's seconds, its
exit status and the last line pytest printed, plus the command, versions
and machine. CI has 90 minutes; the course aims for well under 20.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_test_runs() -> list[tuple[str, dict, list[str]]]:
    """The runs of the Makefile's ``test`` target: (name, env, argv)."""
    makefile = (ROOT / "Makefile").read_text()
    backend_tests = re.search(r"^BACKEND_TESTS := (.+)$", makefile,
                              re.MULTILINE).group(1).split()
    python = [sys.executable, "-m", "pytest", "-q"]
    return [("tensorflow, everything", {"LSTM_COURSE_MODE": "smoke"},
             [*python, "--nbval-lax"]),
            ("jax, cells and models", {"LSTM_COURSE_MODE": "smoke",
                                       "KERAS_BACKEND": "jax"},
             [*python, *backend_tests])]


def main() -> int:
    from lstm_course.provenance import write_results

    rows = []
    for name, env, argv in make_test_runs():
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env={**os.environ, **env},
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        last = (done.stdout.strip().splitlines() or [""])[-1]
        rows.append({"run": name, "seconds": round(seconds, 1),
                     "returncode": done.returncode, "pytest": last})
        print(f"{name:24} {seconds:7.1f} s  {last}", flush=True)
    write_results(ROOT / "benchmarks/results/test_time.json", runs=rows,
                  total_seconds=round(sum(r["seconds"] for r in rows), 1))
    return max(r["returncode"] for r in rows)


if __name__ == "__main__":
    sys.exit(main())
