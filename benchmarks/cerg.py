"""The continual embedded Reber grammar (Gers et al. 2000): share of trials
whose network predicts a held-out stream perfectly, for the forget-gate LSTM
(full and truncated gradient) and the 1997 cell (without and with a reset at
every string boundary).

    python benchmarks/cerg.py [--mode class|paper] [--trials N]

`class` is chapter 05's setting (2,048 sequences of 5 strings, 24 epochs,
test stream of 100 strings); `paper` tests on streams of 100,000 symbols as
Gers et al. do (about 10,000 strings) and trains longer: hours. Results go
to ``benchmarks/results/cerg_<mode>.json`` with the command and machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
SETTINGS = {"class": {"sequences": 2048, "epochs": 24, "test_strings": 100},
            "paper": {"sequences": 8192, "epochs": 60, "test_strings": 12000}}


def models():
    from lstm_course.cells import LSTM1997Cell, LSTMCell

    return {"forget gate": (lambda: LSTMCell(16), 5, False),
            "forget gate, truncated": (lambda: LSTMCell(16, truncated=True),
                                       5, False),
            "1997 cell": (lambda: LSTM1997Cell(8, cells_per_block=2), 5,
                          False),
            "1997 cell, reset": (lambda: LSTM1997Cell(8, cells_per_block=2),
                                 1, True)}


def batch(rng, n, strings):
    from lstm_course.tasks import reber

    streams = [reber.cerg_stream(rng, strings) for _ in range(n)]
    longest = max(len(s[0]) for s in streams)
    x = np.zeros((n, longest, 7), "float32")
    y, mask = np.zeros_like(x), np.zeros((n, longest), "float32")
    for k, (inputs, targets, _) in enumerate(streams):
        x[k, :len(inputs)], y[k, :len(inputs)] = inputs, targets
        mask[k, :len(inputs) - 1] = 1
    return x, y, mask


def trial(make, strings, reset, seed, setting):
    """(stream perfect?, share of strings perfect) for one trained network."""
    import keras

    from lstm_course.tasks import reber

    x, y, mask = batch(np.random.default_rng(seed), setting["sequences"],
                       strings)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((None, 7)),
                              keras.layers.RNN(make(), return_sequences=True),
                              keras.layers.Dense(7, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.005), "binary_crossentropy")
    model.fit(x, y, sample_weight=mask, batch_size=32,
              epochs=setting["epochs"], verbose=0)
    xs, ys, starts = reber.cerg_stream(np.random.default_rng(10_000 + seed),
                                       setting["test_strings"])
    bounds = [*starts, len(xs)]
    if reset:
        out = np.concatenate([keras.ops.convert_to_numpy(model(xs[None, a:b]))
                              [0] for a, b in zip(bounds[:-1], bounds[1:])])
    else:
        out = keras.ops.convert_to_numpy(model(xs[None]))[0]
    right = [reber.predicted_perfectly(out[a:b - reset], ys[a:b - reset])
             for a, b in zip(bounds[:-1], bounds[1:])]
    return bool(all(right)), float(np.mean(right))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(SETTINGS), default="class")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from chapter_times import write_results

    setting = SETTINGS[args.mode]
    out = args.out or ROOT / f"benchmarks/results/cerg_{args.mode}.json"
    rows = []
    for name, (make, strings, reset) in models().items():
        start = time.perf_counter()
        results = [trial(make, strings, reset, seed, setting)
                   for seed in range(args.trials)]
        rows.append({"model": name, "reset_at_boundaries": reset,
                     "trials": args.trials,
                     "streams_perfect": sum(r[0] for r in results),
                     "strings_perfect": [round(r[1], 3) for r in results],
                     "seconds": round(time.perf_counter() - start, 1)})
        print(f"{name:24}: {rows[-1]['streams_perfect']}/{args.trials} "
              f"streams perfect; strings {rows[-1]['strings_perfect']}",
              flush=True)
    write_results(out, mode=args.mode, setting=setting, results=rows,
                  gers2000_percent_perfect={
                      "standard LSTM": 0, "external reset": 74,
                      "forget gates": 18, "forget gates, lr decay": 62})
    return 0


if __name__ == "__main__":
    sys.exit(main())
