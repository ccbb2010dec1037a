"""The paper-mode suite of chapter 04: every row of the 1997 paper's
experiments, run with ``lstm-course reproduce``, and the Markdown table
the chapter shows (ours beside the paper's).

    python benchmarks/reproduce_1997.py [--rows 2c:1000 4:100 ...]
        [--mode paper] [--trials N] [--optimizer paper|adam]
        [--learning-rate RATE] [--budget SEQUENCES] [--seed S] [--jobs N]
    python benchmarks/reproduce_1997.py --table-only

Each row runs as its own process, one thread each (``--jobs`` at once), and
writes ``benchmarks/results/reproduce_1997/<experiment>_<size>_<mode>_
<optimizer>[_lr<rate>][_seed<S>].json`` (the rate and first seed where
given: further trials of a row go to a file of their own); the table,
``benchmarks/results/reproduce_1997.md``, is rebuilt from every JSON
there, so rows run in different sessions or on different machines add up.
Expect hours per row at the paper's sizes on a laptop; say which rows were
run in the table's note.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks/results/reproduce_1997"
TABLE = ROOT / "benchmarks/results/reproduce_1997.md"
ROWS = ["1", "2a:100", "2b:100", "2c:50", "2c:100", "2c:200", "2c:500",
        "2c:1000", "3a:1000", "4:100", "4:500", "4:1000", "5:100", "6a",
        "6b"]


def parse_row(text):
    """"2c:1000" -> ("2c", 1000); "6a" -> ("6a", None)."""
    from lstm_course.reproduce.experiments import EXPERIMENTS

    name, _, size = text.partition(":")
    if name not in EXPERIMENTS:
        raise SystemExit(f"unknown experiment in row {text!r}; the "
                         f"experiments are {', '.join(EXPERIMENTS)}")
    if size and not size.isdigit():
        raise SystemExit(f"row {text!r}: the size after ':' must be a "
                         f"whole number")
    return name, int(size) if size else None


def row_path(name, size, mode, optimizer, learning_rate=None, seed=0):
    rate = "" if learning_rate is None else f"_lr{learning_rate:g}"
    first = f"_seed{seed}" if seed else ""
    return RESULTS / \
        f"{name}_{size or '-'}_{mode}_{optimizer}{rate}{first}.json"


def run_row(name, size, args):
    command = [sys.executable, "-m", "lstm_course.cli", "reproduce", name,
               "--configuration", "modern", "--mode", args.mode,
               "--optimizer", args.optimizer,
               "--out", str(row_path(name, size, args.mode, args.optimizer,
                                     args.learning_rate, args.seed)
                            .relative_to(ROOT))]
    for flag, value in (("--size", size), ("--trials", args.trials),
                        ("--budget", args.budget),
                        ("--learning-rate", args.learning_rate),
                        ("--seed", args.seed or None)):
        if value is not None:
            command += [flag, str(value)]
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": "1",
           "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    print("running", " ".join(command[2:]), flush=True)
    done = subprocess.run(command, env=env, cwd=ROOT)
    return name, size, done.returncode


def number(value):
    return "not reported" if value is None else f"{value:,}"


def table() -> str:
    from lstm_course.reproduce.results import learning_rate, load_records

    lines = ["| experiment | size | paper: sequences | paper: % solved | "
             "ours: % solved (trials) | ours: median sequences | ours: test "
             "right at the end, per trial | mode, optimizer, learning rate | "
             "wall time | "
             "command |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in load_records(RESULTS):
        paper = r["paper"]
        size = "-" if r["size"] is None else f"{r['size_name']} = {r['size']}"
        median = r["median_sequences_to_solve"]
        ours = f"{median:,}" if median else f"none within {r['budget']:,}"
        lines.append(" | ".join([
            f"| {r['experiment']} {r['title']}", size,
            number(paper["sequences"]), number(paper["percent_solved"]),
            f"{r['percent_solved']} ({len(r['trials'])})", ours,
            ", ".join(f"{100 * t['test_right']:.2f}%" for t in r["trials"]),
            f"{r['mode']}, {r['optimizer']}, {learning_rate(r):g}",
            f"{r['wall_seconds'] / 60:.0f} min", f"`{r['command']}` |"]))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", default=ROWS, metavar="ROW")
    parser.add_argument("--mode", default="paper",
                        choices=["smoke", "class", "paper"])
    parser.add_argument("--trials", type=int)
    parser.add_argument("--optimizer", default="paper",
                        choices=["paper", "adam"])
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--budget", type=int)
    parser.add_argument("--seed", type=int, default=0,
                        help="the first trial's seed (default 0)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    failed = []
    if not args.table_only:
        rows = [parse_row(text) for text in args.rows]
        RESULTS.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(args.jobs) as pool:
            for name, size, code in pool.map(lambda r: run_row(*r, args),
                                             rows):
                if code:
                    failed.append(f"{name}:{size}" if size else name)
    TABLE.write_text(table())
    print(f"wrote {TABLE}")
    if failed:
        print(f"failed rows: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
