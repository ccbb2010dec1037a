"""Every LSTM row of the 1997 paper's Tables 1-9 in the paper's
configuration (its network, online SGD at its learning rate, its stop rule),
K trials of a row trained at once, and the table beside the paper's.

    python benchmarks/reproduce_1997_paper.py [--rows 2c-q50-p50 6a ...]
        [--trials N] [--budget SEQUENCES] [--seed S] [--jobs N]
    python benchmarks/reproduce_1997_paper.py --table-only

Each row writes ``benchmarks/results/reproduce_1997_paper/<row>_seed<S>
.json`` (its command, date and machine inside); the table,
``benchmarks/results/reproduce_1997_paper.md``, is rebuilt from every
JSON there, so rows run in different sessions or on different machines
add up (trials of one row with different first seeds are pooled).
Rows: ``lstm-course reproduce --list-rows``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks/results/reproduce_1997_paper"
TABLE = ROOT / "benchmarks/results/reproduce_1997_paper.md"


def row_path(slug: str, seed: int) -> Path:
    return RESULTS / f"{slug}_seed{seed}.json"


def run_row(slug, args) -> tuple[str, int]:
    command = [sys.executable, "benchmarks/reproduce_1997_paper.py",
               "--one", slug, "--seed", str(args.seed)]
    for flag, value in (("--trials", args.trials),
                        ("--budget", args.budget)):
        if value is not None:
            command += [flag, str(value)]
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    print("running", slug, flush=True)
    return slug, subprocess.run(command, env=env, cwd=ROOT).returncode


def run_one(slug, args) -> int:
    from lstm_course.provenance import machine
    from lstm_course.reproduce.paper import ROWS, train_row

    row = ROWS[slug]
    trials = args.trials or row.paper_trials
    budget = args.budget or 100_000

    def progress(seen, active):
        print(f"  {slug}: {seen:,} sequences, {active} of {trials} trials "
              "still training", file=sys.stderr, flush=True)

    result = train_row(row, trials, seed=args.seed, budget=budget,
                       progress=progress)
    argv = ["python", "benchmarks/reproduce_1997_paper.py", "--rows", slug,
            "--trials", str(trials), "--budget", str(budget)]
    if args.seed:
        argv += ["--seed", str(args.seed)]
    record = {"command": shlex.join(argv), "date": time.strftime("%Y-%m-%d"),
              "machine": machine(), "seed": args.seed, **result}
    path = row_path(slug, args.seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{slug}: {result['percent_solved']}% of {trials} solved, mean "
          f"{result['mean_sequences']} ({result['wall_seconds']} s); wrote "
          f"{path.relative_to(ROOT)}", flush=True)
    return 0


def number(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def pooled(records: list[dict]) -> dict:
    """One row's records (first seeds differ) as one: trials joined."""
    trials = [t for r in records for t in r["trials"]]
    done = sorted(t["sequences"] for t in trials if t["solved"])
    firsts = [t["first_milestone"] for t in trials if "first_milestone" in t]
    seconds = sum(r["wall_seconds"] for r in records)
    return {"trials": trials, "done": done, "firsts": firsts,
            "seconds": seconds, "budgets": sorted({r["budget"]
                                                   for r in records}),
            "commands": [r["command"] for r in records],
            "rate": sum(t["sequences"] for t in trials) / seconds}


def table() -> str:
    from lstm_course.reproduce.paper import ROWS
    from lstm_course.reproduce.results import load_paper_records

    groups = load_paper_records(RESULTS)
    lines = [
        "Configuration: the paper's (network of Table 10, online plain "
        "gradient descent at its learning rate, its stop rule), "
        "`lstm_course.reproduce.paper`. Means over the solved trials.", "",
        "| table | row | W | paper: trials | paper: % solved | paper: mean "
        "sequences | ours: trials | ours: % solved | ours: mean | ours: "
        "median | ours: budget | wall time | trial-sequences / s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in ROWS.values():
        records = groups.get(row.key)
        if not records:
            continue
        p = pooled(records)
        done = p["done"]
        paper_mean = number(row.paper_sequences)
        ours_mean = number(sum(done) / len(done)) if done else "-"
        if row.then:
            paper_mean += f" / {number(row.paper_then)}"
            first = number(sum(p["firsts"]) / len(p["firsts"])) \
                if p["firsts"] else "-"
            ours_mean = f"{first} / {ours_mean}"
        lines.append(" | ".join([
            f"| {row.table}", row.key, f"{records[0]['weights']:,}",
            str(row.paper_trials), number(row.paper_success),
            paper_mean, str(len(p["trials"])),
            f"{100 * len(done) / len(p['trials']):.0f}", ours_mean,
            number(done[len(done) // 2]) if done else "-",
            ", ".join(f"{b:,}" for b in p["budgets"]),
            f"{p['seconds'] / 60:.1f} min", f"{p['rate']:,.0f} |"]))
    lines += ["", "Two numbers (a / b): 3a and 3b ST1 / ST2; 5 n_seq = 140 / "
              "13. Commands: one file per row and first seed in "
              "`benchmarks/results/reproduce_1997_paper/`."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    from lstm_course.reproduce.paper import ROWS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", default=list(ROWS),
                        metavar="ROW", choices=list(ROWS))
    parser.add_argument("--one", choices=list(ROWS), help=argparse.SUPPRESS)
    parser.add_argument("--trials", type=int,
                        help="trials per row (default: the paper's count)")
    parser.add_argument("--budget", type=int,
                        help="sequences per trial at most (default 100,000)")
    parser.add_argument("--seed", type=int, default=0,
                        help="the first trial's seed (default 0)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    for flag in ("trials", "budget", "jobs"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            parser.error(f"--{flag} must be at least 1, got {value}")
    if args.one:
        return run_one(args.one, args)
    failed = []
    if not args.table_only:
        with ThreadPoolExecutor(args.jobs) as pool:
            failed = [slug for slug, code in
                      pool.map(lambda slug: run_row(slug, args), args.rows)
                      if code]
    TABLE.write_text(table())
    print(f"wrote {TABLE.relative_to(ROOT)}")
    if failed:
        print(f"failed rows: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
