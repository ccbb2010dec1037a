"""Chapter 06's contests over seeds: every architecture on the adding
problem (T = 100), on the sunspot and CO2 series beside the statistical
baselines, and the irregular-sampling contest. The chapter runs one seed;
this shows how much of a gap between two models is the seed.

    python benchmarks/alternatives.py [--seeds N]
        [--parts adding series irregular]

Settings are the chapter's class-mode ones (lstm_course.models.contest's
defaults). Writes ``benchmarks/results/alternatives.json`` (every seed's
rows, with the command and machine) and ``alternatives.md`` (medians and
ranges over the seeds).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("adding", "series", "irregular")
KEYS = {"adding": "test_mse", "series": "mase", "irregular": "test_mse"}


def summary(results: dict) -> str:
    """Markdown: per part and model, the median (min-max) score over seeds,
    the parameters and the median training seconds."""
    lines = []
    for part, runs in results.items():
        key = KEYS["series" if part in ("sunspots", "co2") else part]
        lines += [f"### {part}: {key.replace('_', ' ')} over "
                  f"{len(runs)} seeds", "",
                  f"| model | parameters | {key} median | min - max | "
                  "training s (median) |", "|---|---|---|---|---|"]
        for name in runs[0]:
            scores = [run[name][key] for run in runs]
            seconds = [run[name]["seconds"] for run in runs]
            params = runs[0][name]["params"]
            lines.append(
                f"| {name} | {'-' if params is None else f'{params:,}'} | "
                f"{np.median(scores):.4f} | {min(scores):.4f} - "
                f"{max(scores):.4f} | {np.median(seconds):.1f} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=PARTS)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/alternatives.json")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    from lstm_course.provenance import write_results

    from lstm_course.models.architectures import ARCHITECTURES
    from lstm_course.models.contest import (
        adding_contest,
        irregular_contest,
        series_contest,
    )

    results: dict[str, list] = {}
    for seed in range(args.seeds):
        if "adding" in args.parts:
            results.setdefault("adding", []).append(
                adding_contest(ARCHITECTURES, seed=seed))
        if "series" in args.parts:
            for series in ("sunspots", "co2"):
                results.setdefault(series, []).append(
                    series_contest(series, ARCHITECTURES, seed=seed)["rows"])
        if "irregular" in args.parts:
            results.setdefault("irregular", []).append(
                irregular_contest(seed=seed))
        print(f"seed {seed} done", flush=True)
    for runs in results.values():
        for run in runs:
            for row in run.values():
                row.pop("curve", None)
    write_results(args.out, seeds=args.seeds, results=results)
    table = summary(results)
    markdown = args.out.with_suffix(".md")
    markdown.write_text(
        "# Chapter 06's contests over seeds\n\n`"
        + json.loads(args.out.read_text())["command"]
        + "` (class-mode settings; the machine is in the JSON)\n\n" + table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
