"""The committed results of ``lstm-course reproduce`` runs, in the course
repository's ``benchmarks/results/``: the paper's configuration, one JSON
file per row of its tables and first seed, in ``reproduce_1997_paper/``;
the modern configuration, one per row of chapter 04's second table, in
``reproduce_1997/``."""

from __future__ import annotations

import json
from pathlib import Path

from lstm_course.reproduce.experiments import EXPERIMENTS
from lstm_course.reproduce.options import learning_rate_of

RESULTS = Path(__file__).resolve().parents[2] / \
    "benchmarks/results/reproduce_1997"
PAPER_RESULTS = RESULTS.with_name("reproduce_1997_paper")


def learning_rate(record) -> float:
    """The record's learning rate; records written before the rate was
    recorded used the default one."""
    if record.get("learning_rate") is not None:
        return record["learning_rate"]
    return learning_rate_of(EXPERIMENTS[record["experiment"]],
                            record["optimizer"])


def _folder(folder, default) -> Path:
    folder = default if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no results folder at {folder}: the committed paper-mode "
            f"results are in benchmarks/results/{default.name} of the course "
            "repository; work in a clone of it, or pass folder=")
    return folder


def load_paper_records(folder=None) -> dict[str, list[dict]]:
    """The paper-configuration records (default: the committed ones) by
    row, in the order of the paper's tables; a row run with several first
    seeds has several records."""
    from lstm_course.reproduce.paper import ROWS

    by_row: dict[str, list[dict]] = {}
    for path in sorted(_folder(folder, PAPER_RESULTS).glob("*.json")):
        record = json.loads(path.read_text())
        by_row.setdefault(record["row"], []).append(record)
    order = [row.key for row in ROWS.values()]
    return {key: by_row[key] for key in order if key in by_row}


def load_records(folder=None) -> list[dict]:
    """Every record in ``folder`` (default: the committed results), in the
    paper's order of experiments, then by size, mode, optimizer and
    learning rate."""
    folder = _folder(folder, RESULTS)
    records = [json.loads(path.read_text())
               for path in sorted(folder.glob("*.json"))]
    order = {name: k for k, name in enumerate(EXPERIMENTS)}
    records.sort(key=lambda r: (order[r["experiment"]], r["size"] or 0,
                                r["mode"], r["optimizer"], learning_rate(r)))
    return records
