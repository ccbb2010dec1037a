"""Trial-sequences per second of the paper's training, K trials at once
(``lstm_course.reproduce.online_jax``, and its NumPy twin), against the
trainer chapter 04 used before (``keras.Model.fit``, batch 1, the paper's
SGD, one trial), same row, same machine, same run; and the projected wall
time of every row of Tables 1-9 at the paper's trial counts.

    python benchmarks/paper_speed.py [--rows 2c-q1000-p1000 ...] [--seconds S]

Writes ``benchmarks/results/paper_speed.json`` and ``.md``; rows measured
before and not named now are kept, each with the date and command of its
run. The projection takes each row's paper trials x the paper's mean
sequences (or, where a row reports two stop points, the later one) over the
measured rate.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks/results/paper_speed"
DEFAULT_ROWS = ["2c-q1000-p1000", "2c-q50-p50", "4-T1000", "4-T100",
                "2a-p100", "6b", "1-3x2-lr0.5"]


def new_rate(slug, trials, seconds, implementation) -> float:
    """Trial-sequences per second of ``trials`` trials trained together."""
    from lstm_course.reproduce import baselines, online, online_jax, paper
    from lstm_course.reproduce.paper import ROWS, _Stream, stack

    row = ROWS[slug]
    network = paper.network_of(row)
    weights = paper._initial_weights(network, row.size, range(trials))
    if row.generate is None:  # experiment 1: strings from its sets
        from lstm_course.reproduce.paper import _reber_batch
        from lstm_course.tasks import reber

        strings = reber.embedded_reber_sets(np.random.default_rng(0))[0]
        pool = _reber_batch(strings)

        def batch():
            from lstm_course.reproduce.paper import _pick

            rng = np.random.default_rng()
            return stack([_pick(pool, rng) for _ in range(trials)])
    else:
        streams = [_Stream(row, k) for k in range(trials)]

        def batch():
            return stack([s.take() for s in streams])
    if isinstance(network, baselines.BASELINES):
        if implementation == "jax":
            return None  # the baselines have no compiled version
        run = baselines.run
    else:
        run = online_jax.run if implementation == "jax" else online.run
    run(network, weights, batch(), learn=True)  # compile
    active = np.ones(trials, bool)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, grads = run(network, weights, batch(), learn=True)
        online.sgd_step(weights, grads, row.learning_rate, active)
        done += trials
    return done / (time.perf_counter() - start)


def old_rate(slug, seconds) -> float | None:
    """Sequences per second of the Keras trainer (fit, batch 1, SGD) on
    the experiment's modern network, one trial."""
    from lstm_course.reproduce.experiments import EXPERIMENTS, generate
    from lstm_course.reproduce.model import build_model
    from lstm_course.reproduce.paper import ROWS
    from lstm_course.reproduce.train import bucketed

    row = ROWS[slug]
    name = row.network.split(" ")[0]
    if name not in EXPERIMENTS:
        return None
    experiment = EXPERIMENTS[name]
    if name == "2c" and f"q{row.size}-" not in slug:
        return None  # the old trainer's 2c has as many distractors as q
    size = row.size if experiment.size_name != "T" else int(
        slug.split("T")[1].split("-")[0])
    rng = np.random.default_rng(0)
    prior = generate(experiment, rng, 64, size)
    model = build_model(experiment, prior, "lstm1997", "paper", prior)
    done, start = 0, None
    while start is None or time.perf_counter() - start < seconds:
        chunk = bucketed(generate(experiment, rng, 8, size))
        model.fit(chunk.inputs, chunk.targets,
                  sample_weight=chunk.mask.astype("float32"), batch_size=1,
                  epochs=1, shuffle=False, verbose=0)
        if start is None:  # the first chunk compiles
            start = time.perf_counter()
            continue
        done += 8
    return done / (time.perf_counter() - start)


def _count(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", default=DEFAULT_ROWS)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args(argv)
    from lstm_course.provenance import write_results
    from lstm_course.reproduce.online_jax import available
    from lstm_course.reproduce.paper import ROWS

    path = OUT.with_suffix(".json")
    measured = {}
    if path.exists():  # earlier runs' rows, each keeping its provenance
        earlier = json.loads(path.read_text())
        for slug, entry in earlier["rows"].items():
            measured[slug] = {"date": earlier["date"],
                              "command": earlier["command"], **entry}
    for slug in args.rows:
        entry = {"date": time.strftime("%Y-%m-%d"),
                 "command": shlex.join(["python", *sys.argv]),
                 "trials": args.trials,
                 "numpy": round(new_rate(slug, args.trials, args.seconds,
                                         "numpy"), 1)}
        jax_rate = new_rate(slug, args.trials, args.seconds, "jax") \
            if available() else None
        if jax_rate:
            entry["jax"] = round(jax_rate, 1)
        old = old_rate(slug, args.seconds)
        entry["keras_fit_batch_1"] = None if old is None else round(old, 2)
        best = max(entry.get("jax", 0), entry["numpy"])
        entry["speedup"] = None if not old else round(best / old, 1)
        measured[slug] = entry
        print(slug, entry, flush=True)
    projection = {}
    for slug, row in ROWS.items():
        rate = measured.get(slug, {})
        best = max(rate.get("jax", 0), rate.get("numpy", 0))
        sequences = row.paper_then or row.paper_sequences
        if sequences is None:  # no trial of the paper's succeeded
            projection[slug] = {"sequences": None, "hours": None}
            continue
        projection[slug] = {
            "sequences": row.paper_trials * sequences,
            "hours": round(row.paper_trials * sequences / best / 3600, 2)
            if best else None}
    hours = [p["hours"] for p in projection.values() if p["hours"]]
    measured = {slug: measured[slug] for slug in ROWS if slug in measured}
    write_results(path, rows=measured,
                  projection=projection,
                  projected_hours_measured_rows=round(sum(hours), 1))
    lines = ["| row | trials together | JAX | NumPy | Keras fit, batch 1 "
             "(one trial) | speedup | paper's trials x mean sequences | "
             "projected hours |", "|---|---|---|---|---|---|---|---|"]
    for slug, entry in measured.items():
        lines.append(
            f"| {slug} | {entry['trials']} | {entry.get('jax', '-')} | "
            f"{entry['numpy']} | {entry['keras_fit_batch_1'] or '-'} | "
            f"{entry['speedup'] or '-'} | "
            f"{_count(projection[slug]['sequences'])} | "
            f"{projection[slug]['hours']} |")
    OUT.with_suffix(".md").write_text(
        "Trial-sequences per second (`python benchmarks/paper_speed.py`).\n\n"
        + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
