"""The continual embedded Reber grammar (Gers et al. 2000): share of trials
whose network predicts held-out streams perfectly, for the forget-gate LSTM
(full and truncated gradient) and the 1997 cell (without and with a reset at
every string boundary).

    python benchmarks/cerg.py [--mode class|paper] [--trials N]
        [--models NAME...]

`class` is chapter 05's setting: 16 cells, 2,048 training sequences of 5
strings, 24 epochs, one test stream of 100 strings. `paper` uses Gers'
network size (8 cells; the 1997 cell in 4 blocks of 2) and Gers' test: a
network is perfect when it predicts 10 streams of 100,000 symbols each
without an error; it trains on 4,096 sequences of 10 strings for 30 epochs
(Adam, not Gers' online SGD). With resets a network trains on single
strings, as many as the others see. Results go to
``benchmarks/results/cerg_<mode>.json`` with the command and machine.
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
SETTINGS = {
    "class": {"cells": 16, "sequences": 2048, "strings_per_sequence": 5,
              "epochs": 24, "test_streams": 1, "test_strings": 100},
    "paper": {"cells": 8, "sequences": 4096, "strings_per_sequence": 10,
              "epochs": 30, "test_streams": 10, "test_symbols": 100_000}}


def models(cells):
    """name: (cell factory, reset at string boundaries?)."""
    from lstm_course.cells import LSTM1997Cell, LSTMCell

    return {"forget gate": (lambda: LSTMCell(cells), False),
            "forget gate, truncated": (
                lambda: LSTMCell(cells, truncated=True), False),
            "1997 cell": (
                lambda: LSTM1997Cell(cells // 2, cells_per_block=2), False),
            "1997 cell, reset": (
                lambda: LSTM1997Cell(cells // 2, cells_per_block=2), True)}


def test_streams(seed, setting):
    """[(inputs, targets, starts)]: held-out streams, cut to
    ``test_symbols`` where the setting gives a length."""
    from lstm_course.tasks import reber

    rng = np.random.default_rng(10_000 + seed)
    if "test_strings" in setting:
        return [reber.cerg_stream(rng, setting["test_strings"])
                for _ in range(setting["test_streams"])]
    length = setting["test_symbols"]
    streams = []
    for _ in range(setting["test_streams"]):
        # An embedded Reber string has at least 9 symbols.
        xs, ys, starts = reber.cerg_stream(rng, length // 9 + 1)
        streams.append((xs[:length], ys[:length], starts[starts < length]))
    return streams


def trial(make, reset, seed, setting):
    """(all test streams perfect?, share of test strings perfect) for one
    trained network."""
    import keras

    from lstm_course.tasks import reber
    from lstm_course.training import predict_stream, train

    # With resets the network trains on single strings: as many strings
    # as the others see, one per sequence.
    strings, sequences = setting["strings_per_sequence"], setting["sequences"]
    if reset:
        strings, sequences = 1, strings * sequences
    x, y, mask = reber.cerg_batch(np.random.default_rng(seed), sequences,
                                  strings)
    model, _ = train(make(), x, y, optimizer=keras.optimizers.Adam(0.005),
                     loss="binary_crossentropy", activation="sigmoid",
                     return_sequences=True, sample_weight=mask,
                     batch_size=32, epochs=setting["epochs"], seed=seed)
    right = []
    for xs, ys, starts in test_streams(seed, setting):
        out = predict_stream(model, xs, starts if reset else None)
        right += list(reber.strings_right(out, ys, starts, reset))
    return bool(all(right)), float(np.mean(right))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(SETTINGS), default="class")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--models", nargs="+", metavar="NAME",
                        help="run only these (default: all); their rows "
                        "replace those in an existing results file of the "
                        "same setting")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.trials < 1:
        parser.error(f"--trials must be at least 1, got {args.trials}")
    from lstm_course.provenance import write_results

    setting = SETTINGS[args.mode]
    out = args.out or ROOT / f"benchmarks/results/cerg_{args.mode}.json"
    chosen = models(setting["cells"])
    unknown = set(args.models or []) - set(chosen)
    if unknown:
        parser.error(f"unknown model(s) {sorted(unknown)}; the models are "
                     f"{', '.join(repr(m) for m in chosen)}")
    rows = []
    for name, (make, reset) in chosen.items():
        if args.models and name not in args.models:
            continue
        start = time.perf_counter()
        results = []
        for seed in range(args.trials):
            results.append(trial(make, reset, seed, setting))
            print(f"{name:24} seed {seed}: stream perfect {results[-1][0]}, "
                  f"strings {results[-1][1]:.4f} "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
        rows.append({"model": name, "reset_at_boundaries": reset,
                     "trials": args.trials,
                     "streams_perfect": sum(r[0] for r in results),
                     "strings_perfect": [round(r[1], 4) for r in results],
                     "seconds": round(time.perf_counter() - start, 1)})
    if args.models and out.exists():
        # Keep the other models' rows, each with the command that made it.
        earlier = json.loads(out.read_text())
        if earlier.get("setting") == setting:
            command = shlex.join(["python", *sys.argv])
            ran = {row["model"] for row in rows}
            rows = [dict(row, command=command) for row in rows] + [
                {**row, "command": row.get("command", earlier["command"])}
                for row in earlier["results"] if row["model"] not in ran]
            rows.sort(key=lambda row: list(chosen).index(row["model"]))
    write_results(out, mode=args.mode, setting=setting, results=rows,
                  gers2000_percent_perfect={
                      "standard LSTM": 0, "external reset": 74,
                      "forget gates": 18, "forget gates, lr decay": 62})
    return 0


if __name__ == "__main__":
    sys.exit(main())
