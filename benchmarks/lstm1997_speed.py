"""Train-step time of LSTM1997Cell against keras.layers.LSTM.

    python benchmarks/lstm1997_speed.py [--lengths 100 1000] [--units 64]

Both layers have the same number of cell outputs (the 1997 layer with one
cell per block), batch 64, a Dense(1) read-out and MSE, compiled with
``jit_compile=True``; both run in the same process, alternating, so that
machine noise hits both. Reports the median of ``--repeats`` timed steps
after ``--warmup`` steps and writes ``benchmarks/results/lstm1997_speed.json``
with the command, versions and machine. Target (issue 5): ratio <= 0.6.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def make_model(kind, units, length, input_dim):
    import keras

    from lstm_course.cells import LSTM1997Cell

    recurrent = (keras.layers.LSTM(units) if kind == "keras LSTM" else
                 keras.layers.RNN(LSTM1997Cell(units)))
    model = keras.Sequential([keras.Input((length, input_dim)), recurrent,
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(1e-3), "mse", jit_compile=True)
    return model


def step_times(models, x, y, warmup, repeats):
    """Median seconds per train step, measured alternately per model."""
    import numpy as np

    for model in models.values():
        for _ in range(warmup):
            model.train_on_batch(x, y)
    times = {name: [] for name in models}
    for _ in range(repeats):
        for name, model in models.items():
            start = time.perf_counter()
            model.train_on_batch(x, y)
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", nargs="+", type=int, default=[100, 1000])
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--inter-op-threads", type=int, default=None,
                        help="TensorFlow inter-op threads (default: TF's)")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/lstm1997_speed.json")
    args = parser.parse_args(argv)

    import numpy as np
    from chapter_times import write_results

    if args.inter_op_threads is not None:
        import tensorflow as tf

        tf.config.threading.set_inter_op_parallelism_threads(
            args.inter_op_threads)

    rows = []
    for length in args.lengths:
        rng = np.random.default_rng(0)
        x = rng.uniform(-1, 1, (args.batch, length, 2)).astype("float32")
        y = rng.uniform(0, 1, (args.batch, 1)).astype("float32")
        start = time.perf_counter()
        models = {kind: make_model(kind, args.units, length, 2)
                  for kind in ("keras LSTM", "LSTM1997Cell")}
        seconds = step_times(models, x, y, args.warmup, args.repeats)
        ratio = seconds["LSTM1997Cell"] / seconds["keras LSTM"]
        rows.append({"length": length, "units": args.units,
                     "batch": args.batch,
                     "ms_per_step": {k: round(1e3 * v, 2)
                                     for k, v in seconds.items()},
                     "ratio_1997_to_keras_lstm": round(ratio, 3),
                     "wall_s": round(time.perf_counter() - start, 1)})
        print(f"T = {length:5d}: keras LSTM "
              f"{1e3 * seconds['keras LSTM']:8.2f} ms, LSTM1997Cell "
              f"{1e3 * seconds['LSTM1997Cell']:8.2f} ms, ratio {ratio:.3f}",
              flush=True)
    write_results(args.out, target_ratio=0.6,
                  inter_op_threads=args.inter_op_threads, results=rows)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.exit(main())
