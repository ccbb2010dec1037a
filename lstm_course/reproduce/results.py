"""The committed results of ``lstm-course reproduce`` runs: one JSON file
per row of chapter 04's table, in the course repository's
``benchmarks/results/reproduce_1997/``."""

from __future__ import annotations

import json
from pathlib import Path

from lstm_course.reproduce.experiments import EXPERIMENTS
from lstm_course.reproduce.options import learning_rate_of

RESULTS = Path(__file__).resolve().parents[2] / \
    "benchmarks/results/reproduce_1997"


def learning_rate(record) -> float:
    """The record's learning rate; records written before the rate was
    recorded used the default one."""
    if record.get("learning_rate") is not None:
        return record["learning_rate"]
    return learning_rate_of(EXPERIMENTS[record["experiment"]],
                            record["optimizer"])


def load_records(folder=None) -> list[dict]:
    """Every record in ``folder`` (default: the committed results), in the
    paper's order of experiments, then by size, mode, optimizer and
    learning rate."""
    folder = RESULTS if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no results folder at {folder}: the committed paper-mode "
            "results are in benchmarks/results/reproduce_1997 of the course "
            "repository; work in a clone of it, or pass folder=")
    records = [json.loads(path.read_text())
               for path in sorted(folder.glob("*.json"))]
    order = {name: k for k, name in enumerate(EXPERIMENTS)}
    records.sort(key=lambda r: (order[r["experiment"]], r["size"] or 0,
                                r["mode"], r["optimizer"], learning_rate(r)))
    return records
