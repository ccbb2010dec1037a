"""Grading a class on many machines: ``lstm-course grade CLASS --shard I/N``
grades the I-th of N disjoint slices of the students, and ``lstm-course
merge`` joins the shards' JSON into the run one machine would have made.

A student's slice depends on their name alone (the first 8 bytes of its
SHA-256, modulo N), not on who else is in the class: a student handed in
late lands in the same slice on a rerun, and a CI matrix, a Slurm array or
a Kubernetes indexed job needs nothing but I and N.
"""

from __future__ import annotations

import hashlib
import re

from lstm_course.grading.grade import GradingRun, UsageError

SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse(text: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)``, 1 <= I <= N."""
    match = SHARD.match(text)
    if not match:
        raise UsageError(f"--shard takes I/N (the I-th of N slices, e.g. "
                         f"2/4), got {text!r}")
    index, count = int(match[1]), int(match[2])
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: I must be between 1 and N")
    return index, count


def slice_of(student: str, count: int) -> int:
    """The slice (1..count) a student's name falls in."""
    digest = hashlib.sha256(student.encode("utf-8", "surrogateescape"))
    return int.from_bytes(digest.digest()[:8], "big") % count + 1


def merge(runs: list[tuple[str, GradingRun]]) -> GradingRun:
    """One run from the shards ``(name, run)`` of one class: refused if
    they were drawn with different seeds, if two grade the same student,
    or if a slice is missing or given twice. The submissions come in the
    order an unsharded run gives them."""
    if not runs:
        raise UsageError("merge needs the JSON of at least one shard")
    names = [name for name, _ in runs]
    seeds = {run.seed for _, run in runs}
    if len(seeds) > 1:
        raise UsageError(f"the shards were graded with different seeds "
                         f"({', '.join(map(str, sorted(seeds)))}); grade "
                         "every shard with the same --seed")
    shards = [run.shard for _, run in runs]
    if None in shards:
        unsharded = names[shards.index(None)]
        raise UsageError(f"{unsharded} was not graded with --shard")
    counts = {count for _, count in shards}
    if len(counts) > 1:
        raise UsageError(f"the shards split the class differently (N = "
                         f"{', '.join(map(str, sorted(counts)))})")
    (count,) = counts
    seen: dict[int, str] = {}
    for name, (index, _) in zip(names, shards):
        if index in seen:
            raise UsageError(f"{seen[index]} and {name} are both shard "
                             f"{index}/{count}")
        seen[index] = name
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise UsageError(f"shard{'s' * (len(missing) > 1)} "
                         f"{', '.join(f'{i}/{count}' for i in missing)} "
                         "missing: merge all N shards of the class")
    owner: dict[str, str] = {}
    order: dict[str, int] = {}
    for name, run in runs:
        for student in run.order:
            if student in owner:
                raise UsageError(f"{student!r} is graded in both "
                                 f"{owner[student]} "
                                 f"and {name}; shards must not overlap")
            owner[student] = name
        order.update(run.order)
    submissions = sorted((s for _, run in runs for s in run.submissions),
                         key=lambda s: order[s.student])  # stable
    sandboxes = sorted({run.sandbox for _, run in runs})
    return GradingRun(seeds.pop(), submissions, "; ".join(sandboxes),
                      order=order)
