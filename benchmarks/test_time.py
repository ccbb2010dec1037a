"""Wall time of `make test`'s two pytest runs (the whole suite in smoke mode
on TensorFlow, then the cell and model tests on JAX), each run as the
Makefile runs it (``make -n test``: the same workers and options).

    python benchmarks/test_time.py [--durations N]

Writes ``benchmarks/results/test_time.json`` with each run's seconds, its
exit status and the last line pytest printed, plus the command, versions
and machine. CI has 90 minutes; `make test` aims for 6 at most on 2 cores.
``--durations N`` also prints each run's N slowest tests (pytest's report),
to find where the time goes.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_test_runs() -> list[tuple[str, dict, list[str]]]:
    """The pytest runs of the Makefile's ``test`` target, as ``make -n``
    prints them: (name, environment variables, argv)."""
    printed = subprocess.run(["make", "-s", "-n", "test"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    runs = []
    for line in printed.stdout.splitlines():
        words = shlex.split(line)
        if "pytest" not in words:
            continue
        env = dict(word.split("=", 1) for word in itertools.takewhile(
            lambda word: re.match(r"^[A-Z_]+=", word), words))
        argv = words[len(env):]
        paths = [word for word in argv[argv.index("pytest") + 1:]
                 if not word.startswith("-") and (ROOT / word).exists()]
        name = f"{env.get('KERAS_BACKEND', 'tensorflow')}, " + (
            " ".join(paths) or "everything")
        runs.append((name, env, argv))
    return runs


def main(argv: list[str] | None = None) -> int:
    from lstm_course.provenance import write_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--durations", type=int, default=0, metavar="N",
                        help="print each run's N slowest tests")
    options = parser.parse_args(argv)
    rows = []
    for name, env, command in make_test_runs():
        if options.durations:
            command = [*command, f"--durations={options.durations}"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env},
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        last = (done.stdout.strip().splitlines() or [""])[-1]
        rows.append({"run": name, "seconds": round(seconds, 1),
                     "returncode": done.returncode, "pytest": last})
        print(f"{name:24} {seconds:7.1f} s  {last}", flush=True)
        if options.durations:
            print(_slowest(done.stdout), flush=True)
    write_results(ROOT / "benchmarks/results/test_time.json", runs=rows,
                  total_seconds=round(sum(r["seconds"] for r in rows), 1))
    return max(r["returncode"] for r in rows)


def _slowest(output: str) -> str:
    """The rows of pytest's ``slowest durations`` report in ``output``."""
    rows = re.findall(r"^\d+\.\d+s (?:setup|call|teardown) .*$", output,
                      re.MULTILINE)
    return "\n".join(rows) or "(no durations)"


if __name__ == "__main__":
    sys.exit(main())
