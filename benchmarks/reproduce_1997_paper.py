"""Every LSTM row of the 1997 paper's Tables 1-9 in the paper's
configuration (its network, online SGD at its learning rate, its stop rule),
K trials of a row trained at once, and the table beside the paper's.

    python benchmarks/reproduce_1997_paper.py [--rows 2c-q50-p50 6a ...]
        [--trials N] [--budget SEQUENCES] [--seed S] [--chunks N]
        [--jobs N | --ray ADDRESS]
    python benchmarks/reproduce_1997_paper.py --table-only

A job is a row's trials with consecutive seeds; ``--chunks N`` cuts each
row's trials into N jobs (20 trials, 4 chunks: seeds 0-4, 5-9, 10-14,
15-19). Jobs run as local processes (``--jobs`` at a time) or, with
``--ray ADDRESS``, as tasks of a Ray cluster (``pip install -e '.[ray]'``
on every node; ``--ray local`` starts a Ray instance on this machine).
Each job writes ``benchmarks/results/reproduce_1997_paper/<row>_seed<S>
.json`` (S its first seed; its command, date and machine inside); the
table, ``benchmarks/results/reproduce_1997_paper.md``, is rebuilt from
every JSON there, so jobs run in different sessions or on different
machines add up (a row's files are pooled; a trial's seed decides its
numbers, wherever it ran). Rows: ``lstm-course reproduce --list-rows``.
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


THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "TF_CPP_MIN_LOG_LEVEL": "3"}


def jobs_of(slugs, args) -> list[tuple[str, int, int]]:
    """(row, first seed, trials) of every job: each row's trials cut into
    ``args.chunks`` runs of consecutive seeds."""
    from lstm_course.reproduce.paper import ROWS

    jobs = []
    for slug in slugs:
        trials = args.trials or ROWS[slug].paper_trials
        chunks = min(args.chunks, trials)
        first = args.seed
        for k in range(chunks):
            size = trials // chunks + (k < trials % chunks)
            jobs.append((slug, first, size))
            first += size
    return jobs


def run_job(job, args) -> tuple[str, int]:
    slug, seed, trials = job
    command = [sys.executable, "benchmarks/reproduce_1997_paper.py",
               "--one", slug, "--seed", str(seed), "--trials", str(trials)]
    if args.budget is not None:
        command += ["--budget", str(args.budget)]
    print("running", slug, "seeds", seed, "to", seed + trials - 1,
          flush=True)
    code = subprocess.run(command, env={**os.environ, **THREADS}, cwd=ROOT,
                          check=False).returncode
    return slug, code


def job_record(slug, seed, trials, budget, progress=None) -> dict:
    """Train one job and return what its JSON holds."""
    from lstm_course.provenance import machine
    from lstm_course.reproduce.paper import ROWS, train_row

    budget = budget or 100_000
    result = train_row(ROWS[slug], trials, seed=seed, budget=budget,
                       progress=progress)
    argv = ["python", "benchmarks/reproduce_1997_paper.py", "--rows", slug,
            "--trials", str(trials), "--budget", str(budget)]
    if seed:
        argv += ["--seed", str(seed)]
    return {"command": shlex.join(argv), "date": time.strftime("%Y-%m-%d"),
            "machine": machine(), "seed": seed, **result}


def write_record(record: dict) -> Path:
    from lstm_course.reproduce.paper import ROWS

    slug = next(s for s, r in ROWS.items() if r.key == record["row"])
    path = row_path(slug, record["seed"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{slug} (seeds {record['seed']}+): {record['percent_solved']}% "
          f"of {len(record['trials'])} solved, mean "
          f"{record['mean_sequences']} ({record['wall_seconds']} s); wrote "
          f"{path.name}", flush=True)
    return path


def run_one(slug, args) -> int:
    def progress(seen, active):
        print(f"  {slug}: {seen:,} sequences, {active} of {args.trials} "
              "trials still training", file=sys.stderr, flush=True)

    write_record(job_record(slug, args.seed, args.trials, args.budget,
                            progress))
    return 0


def _ray_job(slug, seed, trials, budget) -> dict:
    """A Ray task: runs on any node that has the package installed."""
    os.environ.update(THREADS)
    return job_record(slug, seed, trials, budget)


def run_on_ray(jobs, args) -> list[str]:
    """Every job as a Ray task (one CPU each); the records come back here
    and are written as they arrive. Returns the rows whose task failed."""
    import ray
    from ray.exceptions import RayError

    if args.ray == "local":
        ray.init(num_cpus=args.jobs, include_dashboard=False,
                 runtime_env={"env_vars": THREADS})
    else:
        ray.init(address=args.ray, runtime_env={"env_vars": THREADS})
    task = ray.remote(num_cpus=1)(_ray_job)
    pending = {task.remote(*job, args.budget): job for job in jobs}
    failed = []
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            job = pending.pop(done[0])
            try:
                write_record(ray.get(done[0]))
            except RayError as error:  # a task's failure ends only that job
                print(f"{job[0]} (seeds {job[1]}+) failed on Ray: {error}",
                      file=sys.stderr, flush=True)
                failed.append(job[0])
    finally:
        ray.shutdown()
    return failed


def number(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def pooled(records: list[dict]) -> dict:
    """One row's records (first seeds differ) as one: trials joined. A
    seed in two records (a row rerun with other chunks over an old file)
    would count a trial twice: that is an error."""
    trials = [t for r in records for t in r["trials"]]
    seeds = [t["seed"] for t in trials]
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise ValueError(
            f"row {records[0]['row']!r}: trial seeds {twice} are in more than "
            "one file of benchmarks/results/reproduce_1997_paper/; remove "
            "the older file")
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
    parser.add_argument("--chunks", type=int, default=1,
                        help="jobs per row, its trials split among them")
    parser.add_argument("--jobs", type=int, default=1,
                        help="local processes at a time (with --ray local: "
                        "the CPUs Ray may use)")
    parser.add_argument("--ray", metavar="ADDRESS",
                        help="run the jobs on this Ray cluster ('local': "
                        "start one here)")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    for flag in ("trials", "budget", "jobs", "chunks"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            parser.error(f"--{flag} must be at least 1, got {value}")
    if args.one:
        if args.trials is None:
            args.trials = ROWS[args.one].paper_trials
        return run_one(args.one, args)
    failed = []
    if args.ray and not args.table_only:
        try:
            import ray  # noqa: F401
        except ImportError:
            parser.error("--ray needs Ray: pip install -e '.[ray]'")
        failed = run_on_ray(jobs_of(args.rows, args), args)
    elif not args.table_only:
        with ThreadPoolExecutor(args.jobs) as pool:
            failed = [slug for slug, code in
                      pool.map(lambda job: run_job(job, args),
                               jobs_of(args.rows, args)) if code]
    TABLE.write_text(table())
    print(f"wrote {TABLE}")
    if failed:
        print(f"failed rows: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
