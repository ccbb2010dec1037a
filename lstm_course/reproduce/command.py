"""``lstm-course reproduce``: run a row of the paper's tables in its
configuration (or an experiment in the modern one) and write the results
as JSON with the command, versions, seed and machine."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

from lstm_course.provenance import machine
from lstm_course.reproduce.train import reproduce
from lstm_course.validation import positive_int


#: mode -> (trials, budget in sequences) of the paper's configuration;
#: paper mode runs the paper's trial count of the row.
PAPER_MODES = {"smoke": (2, 50), "class": (3, 20_000),
               "paper": (None, 100_000)}


def print_rows() -> int:
    from lstm_course.reproduce.paper import ROWS

    for slug, row in ROWS.items():
        mean = "no trial succeeded" if row.paper_sequences is None else \
            f"mean {row.paper_sequences:,.0f} sequences"
        print(f"{slug:20} Table {row.table}: {row.paper_trials} trials, "
              f"the paper's {mean}")
    return 0


def _write(record: dict, out: Path | None) -> None:
    text = json.dumps(record, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)


def paper_command(row, mode="class", trials=None, budget=None, seed=0,
                  out: Path | None = None, argv=None) -> int:
    """Train ``trials`` networks of one row in the paper's configuration;
    the JSON to ``out`` (or stdout), a summary line to stderr."""
    from lstm_course.reproduce.paper import ROWS, train_row

    if row not in ROWS:
        raise ValueError(f"unknown row {row!r}; --list-rows shows the "
                         "paper's rows, e.g. 2c-q1000-p1000 or 6a")
    if out is not None and out.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name, e.g. "
                         f"{out / f'{row}.json'}")
    default_trials, default_budget = PAPER_MODES[mode]
    if trials is None:
        trials = default_trials or ROWS[row].paper_trials
    budget = default_budget if budget is None else budget
    trials = positive_int("trials", trials)
    budget = positive_int("budget", budget)
    result = train_row(ROWS[row], trials, seed=seed, budget=budget)
    argv = sys.argv[1:] if argv is None else argv
    _write({"command": shlex.join(["lstm-course", *argv]),
            "date": time.strftime("%Y-%m-%d"), "machine": machine(),
            "seed": seed, "mode": mode, **result}, out)
    print(f"{row}: {result['percent_solved']}% of {trials} trials solved"
          + (f", mean {result['mean_sequences']:,.0f} sequences"
             if result["mean_sequences"] else "")
          + f" ({result['wall_seconds']} s)" + (f"; wrote {out}" if out
                                                else ""), file=sys.stderr)
    return 0


def reproduce_command(experiment, mode="class", trials=None,
                      optimizer="paper", model="lstm1997", size=None,
                      budget=None, seed=0, out: Path | None = None,
                      argv=None, learning_rate=None) -> int:
    """Run, then write the JSON to ``out`` (or stdout); a one-line summary
    goes to stderr."""
    if out is not None and out.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name, e.g. "
                         f"{out / f'reproduce_{experiment}.json'}")
    results = reproduce(experiment, mode=mode, trials=trials,
                        optimizer=optimizer, model=model, size=size,
                        budget=budget, seed=seed, progress=True,
                        learning_rate=learning_rate)
    argv = sys.argv[1:] if argv is None else argv
    _write({"command": shlex.join(["lstm-course", *argv]),
            "date": time.strftime("%Y-%m-%d"), "machine": machine(),
            "configuration": "modern", **results}, out)
    solved = results["median_sequences_to_solve"]
    print(f"experiment {experiment}: {results['percent_solved']}% of "
          f"{len(results['trials'])} trials solved"
          + (f", median {solved:,} sequences" if solved else "")
          + f" ({results['wall_seconds']} s)"
          + (f"; wrote {out}" if out else ""), file=sys.stderr)
    return 0
