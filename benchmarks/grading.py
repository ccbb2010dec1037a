"""Time `lstm-course grade` on one student's hand-in and on a class of 30.

    python benchmarks/grading.py [--students 30] [--jobs 2] [--timeout 10]
        [--shards N]

Builds a class from solutions/: every student hands in every chapter; each
exercise cell is kept (most), broken (a wrong answer), left as the released
stub, or made hostile (an endless loop, os._exit, a 50 GB allocation), at
random with a fixed seed. Grades one student, then the class, through the
command line, checks that every kept exercise got full marks and every
mutated one did not, and writes ``benchmarks/results/grading.json``.
Targets (issue 4): one student <= 60 s, a class of 30 <= 5 min, on 2 cores.
With ``--shards N`` the class is graded again in N shards, one after
another (``grade --shard I/N``), and merged (``lstm-course merge``): the
merged gradebook must equal the one run's, and both times are recorded.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
HEADER = re.compile(r"^# EXERCISE (\S+)")
HOSTILE = {
    "endless loop": "    while True:\n        pass\n",
    "os._exit": "    import os\n    os._exit(0)\n",
    "50 GB": "    import numpy\n    return numpy.ones(50 * 2**30 // 8)\n",
}


def mutate(source: str, kind: str) -> str:
    """The exercise cell with its body replaced: broken, stub or hostile."""
    head, _, _ = source.partition("    ### BEGIN SOLUTION")
    if kind == "broken":
        return head + "    return 0.5\n"
    if kind == "stub":
        return head + "    raise NotImplementedError()\n"
    return head + HOSTILE[kind]


def build_class(folder: Path, students: int, seed: int) -> dict:
    """Students' folders of chapters; returns {(student, id): kind}."""
    rng = random.Random(seed)
    plan = {}
    for number in range(students):
        student = f"student{number:02d}"
        (folder / student / "chapters").mkdir(parents=True)
        for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
            notebook = nbformat.read(path, 4)
            for cell in notebook.cells:
                cell.pop("outputs", None) if cell.cell_type != "code" \
                    else cell.update(outputs=[], execution_count=None)
                match = HEADER.match(cell.source)
                if cell.cell_type != "code" or not match:
                    continue
                kind = rng.choices(["kept", "broken", "stub", "hostile"],
                                   [0.75, 0.12, 0.08, 0.05])[0]
                if kind == "hostile":
                    kind = rng.choice(sorted(HOSTILE))
                if kind != "kept":
                    cell.source = mutate(cell.source, kind)
                plan[student, match[1]] = kind
            nbformat.write(notebook, folder / student / "chapters" / path.name)
    return plan


def lstm_course(*args) -> float:
    """Run the command; its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lstm_course.cli", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"lstm-course {args[0]} failed:\n"
                         f"{done.stderr[-3000:]}")
    return time.perf_counter() - start


def grade(path: Path, out: Path, jobs: int, timeout: float,
          *extra: str) -> tuple[float, dict]:
    seconds = lstm_course("grade", str(path), "--json", str(out), "--jobs",
                          str(jobs), "--timeout", str(timeout), *extra)
    return seconds, json.loads(out.read_text())


def sharded(path: Path, scratch: Path, shards: int, jobs: int,
            timeout: float, seed: int) -> dict:
    """Grade ``path`` in ``shards`` shards one after another, merge them,
    and compare the merged gradebook with the one run's
    (``scratch/whole.csv``, same seed)."""
    times, parts = [], []
    for index in range(1, shards + 1):
        part = scratch / f"shard{index}.json"
        seconds, _ = grade(path, part, jobs, timeout, "--seed", str(seed),
                           "--shard", f"{index}/{shards}")
        times.append(round(seconds, 1))
        parts.append(str(part))
        print(f"shard {index}/{shards}: {seconds:.1f} s", flush=True)
    merge_s = lstm_course("merge", *parts, "--csv",
                          str(scratch / "merged.csv"))
    merged = (scratch / "merged.csv").read_bytes()
    if merged != (scratch / "whole.csv").read_bytes():
        raise SystemExit("the merged shards' gradebook differs from the "
                         "one run's")
    return {"shards": shards, "shard_s": times,
            "shards_total_s": round(sum(times), 1),
            "merge_s": round(merge_s, 1), "gradebooks_equal": True}


def check(report: dict, plan: dict) -> int:
    """How many exercises were graded against the plan (all must match)."""
    checked = 0
    for submission in report["submissions"]:
        for exercise in submission["exercises"]:
            kind = plan[submission["student"], exercise["id"]]
            full = exercise["score"] == exercise["max_score"]
            if full != (kind == "kept"):
                raise SystemExit(f"{submission['student']} {exercise['id']}: "
                                 f"{kind} but {exercise}")
            checked += 1
    return checked


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shards", type=int, metavar="N",
                        help="also grade the class in N shards, one after "
                        "another, and merge them")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/grading.json")
    args = parser.parse_args(argv)
    from lstm_course.provenance import write_results

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        plan = build_class(scratch / "class", args.students, args.seed)
        kinds = {}
        for kind in plan.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        one, report = grade(scratch / "class" / "student00",
                            scratch / "one.json", args.jobs, args.timeout)
        check(report, plan)
        print(f"one student ({len(report['submissions'])} notebooks): "
              f"{one:.1f} s", flush=True)
        whole, report = grade(scratch / "class", scratch / "class.json",
                              args.jobs, args.timeout, "--seed",
                              str(args.seed), "--csv",
                              str(scratch / "whole.csv"))
        checked = check(report, plan)
        print(f"class of {args.students} ({checked} exercises, {kinds}): "
              f"{whole:.1f} s", flush=True)
        extra = {}
        if args.shards:
            extra["sharded"] = sharded(scratch / "class", scratch,
                                       args.shards, args.jobs, args.timeout,
                                       args.seed)
    write_results(args.out, students=args.students, jobs=args.jobs,
                  timeout_s=args.timeout, exercises_by_kind=kinds,
                  sandbox=report["sandbox"],
                  one_student_s=round(one, 1), class_s=round(whole, 1),
                  targets_s={"one_student": 60, "class": 300}, **extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
