"""``lstm-course reproduce``: run an experiment and write its results as
JSON with the command, versions, seed and machine."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

from lstm_course.provenance import machine
from lstm_course.reproduce.train import reproduce


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
    record = {"command": shlex.join(["lstm-course", *argv]),
              "date": time.strftime("%Y-%m-%d"), "machine": machine(),
              **results}
    text = json.dumps(record, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    solved = results["median_sequences_to_solve"]
    print(f"experiment {experiment}: {results['percent_solved']}% of "
          f"{len(results['trials'])} trials solved"
          + (f", median {solved:,} sequences" if solved else "")
          + f" ({results['wall_seconds']} s)"
          + (f"; wrote {out}" if out else ""), file=sys.stderr)
    return 0
