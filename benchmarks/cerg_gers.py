"""The continual embedded Reber grammar as Gers, Schmidhuber & Cummins (2000)
ran it (their Table 2): their network, online truncated RTRL with a weight
change per symbol, their protocol; K networks per row at once
(``lstm_course.reproduce.cerg_jax``).

    python benchmarks/cerg_gers.py [--rows forget ...] [--trials N]
        [--max-symbols N] [--seed S]
    python benchmarks/cerg_gers.py --table-only

Each row writes ``benchmarks/results/cerg_gers/<row>_seed<S>.json`` (its
command, date and machine inside); the table,
``benchmarks/results/cerg_gers.md``, is rebuilt from every JSON there (a
row's files with different first seeds are pooled). A trial that reached
``--max-symbols`` symbols before perfection or Gers' 30,000 training streams
is reported as unfinished: it counts as not perfect, and the table says
how many there were.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks/results/cerg_gers"
TABLE = ROOT / "benchmarks/results/cerg_gers.md"

#: row: (label, forget gates, learning-rate decay, external resets, Gers'
#: % perfect (Table 2 of Gers et al. 2000, as our notes give it)).
ROWS = {
    "1997": ("1997 cell, no resets", False, None, False, 0),
    "1997-resets": ("1997 cell, reset at every string start", False, None,
                    True, 74),
    "forget": ("forget gates, lr 0.5", True, None, False, 18),
    "forget-decay": ("forget gates, lr 0.5 decayed by 0.99 per stream",
                     True, 0.99, False, 62),
}


def run_row(slug, trials, seed, max_symbols) -> dict:
    from lstm_course.provenance import machine
    from lstm_course.reproduce.cerg_jax import train_cerg_jax
    from lstm_course.reproduce.cerg_network import CERGNetwork

    label, forget, decay, resets, _ = ROWS[slug]

    def progress(steps, active):
        if steps % 1_000_000 < 512:
            print(f"  {slug}: {steps:,} symbols, {active} of {trials} "
                  "networks going", file=sys.stderr, flush=True)

    result = train_cerg_jax(CERGNetwork(forget_gates=forget), trials,
                            seed=seed, decay=decay, reset_strings=resets,
                            max_steps=max_symbols, progress=progress)
    argv = ["python", "benchmarks/cerg_gers.py", "--rows", slug,
            "--trials", str(trials), "--max-symbols", str(max_symbols)]
    if seed:
        argv += ["--seed", str(seed)]
    return {"row": slug, "label": label, "command": shlex.join(argv),
            "date": time.strftime("%Y-%m-%d"), "machine": machine(),
            "seed": seed, "max_symbols": max_symbols, **result}


def table() -> str:
    records: dict[str, list] = {}
    for path in sorted(RESULTS.glob("*.json")):
        record = json.loads(path.read_text())
        records.setdefault(record["row"], []).append(record)
    lines = [
        "Gers et al. (2000)'s continual embedded Reber grammar, their "
        "network and protocol (`lstm_course.reproduce.cerg_jax`). Perfect: "
        "10 test streams of 100,000 symbols without an error.", "",
        "| row | weights | Gers: % perfect (100 networks) | ours: networks | "
        "ours: % perfect | unfinished | mean training streams to perfect | "
        "mean right predictions, last test | symbols per network at most | "
        "wall time |",
        "|---|---|---|---|---|---|---|---|---|---|"]
    for slug, (label, *_, gers) in ROWS.items():
        if slug not in records:
            continue
        trials = [t for r in records[slug] for t in r["trials"]]
        seeds = [t["seed"] for t in trials]
        if len(set(seeds)) < len(seeds):
            raise ValueError(f"row {slug!r}: a network's seed is in more than "
                             "one file of benchmarks/results/cerg_gers/; "
                             "remove the older file")
        perfect = [t for t in trials if t["perfect"]]
        streams = (f"{sum(t['streams'] for t in perfect) / len(perfect):,.0f}"
                   if perfect else "-")
        last = sum(t["last_test"] for t in trials) / len(trials)
        seconds = sum(r["wall_seconds"] for r in records[slug])
        lines.append(" | ".join([
            f"| {label}", str(records[slug][0]["weights"]), str(gers),
            str(len(trials)), f"{100 * len(perfect) / len(trials):.0f}",
            str(sum(not t["finished"] for t in trials)), streams,
            f"{last:,.0f}",
            ", ".join(sorted({f"{r['max_symbols']:,}"
                              for r in records[slug]})),
            f"{seconds / 60:.1f} min |"]))
    lines += ["", "Commands: one JSON per row and first seed in "
              "`benchmarks/results/cerg_gers/`."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", default=list(ROWS),
                        choices=list(ROWS), metavar="ROW")
    parser.add_argument("--trials", type=int, default=20,
                        help="networks per row (Gers: 100; default 20)")
    parser.add_argument("--max-symbols", type=int, default=10_000_000,
                        help="symbols per network at most (default 10^7)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    for flag in ("trials", "max_symbols"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be at least 1")
    if not args.table_only:
        RESULTS.mkdir(parents=True, exist_ok=True)
        for slug in args.rows:
            record = run_row(slug, args.trials, args.seed, args.max_symbols)
            path = RESULTS / f"{slug}_seed{args.seed}.json"
            path.write_text(json.dumps(record, indent=1) + "\n")
            print(f"{slug}: {record['percent_perfect']}% perfect of "
                  f"{args.trials} ({record['wall_seconds']} s)", flush=True)
    TABLE.write_text(table())
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
