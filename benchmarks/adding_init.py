"""Initialisation on the adding problem (T = 100), over seeds: the stock
``keras.layers.LSTM`` (forget bias 1), ``LSTMCell`` with chrono
initialisation (Tallec & Ollivier 2018), and the 1997 cell of chapter 03.
Chapter 05, section 5, runs the first two for one seed.

    python benchmarks/adding_init.py [--seeds N] [--epochs E]

Each run: 8,192 training sequences, Adam 1e-3, batch 64, validation on
1,024 sequences. Writes ``benchmarks/results/adding_init.json``: the final
validation MSE per seed, the epoch (if any) at which it first fell below
a tenth of the trivial error, and the command and machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEQUENCES, LENGTH = 8192, 100


def layers():
    import keras

    from lstm_course.cells import LSTM1997Cell, LSTMCell

    return {"keras.layers.LSTM(32), default init":
            lambda: keras.layers.LSTM(32),
            "LSTMCell(32), chrono init":
            lambda: keras.layers.RNN(LSTMCell(32, chrono_max_lag=LENGTH)),
            "LSTM1997Cell(2 blocks x 2 cells)":
            lambda: keras.layers.RNN(LSTM1997Cell(2, cells_per_block=2))}


def run(make, seed, epochs, data):
    """Validation MSE after each epoch."""
    import keras

    from lstm_course.training import train

    x, y, x_val, y_val = data
    _, history = train(make(), x, y, optimizer=keras.optimizers.Adam(1e-3),
                       epochs=epochs, validation=(x_val, y_val), seed=seed)
    return history["val_loss"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/adding_init.json")
    args = parser.parse_args(argv)
    for name in ("seeds", "epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, "
                         f"got {getattr(args, name)}")
    from lstm_course.provenance import write_results

    from lstm_course.tasks import TRIVIAL_MSE, adding_problem

    # The chapter's data: the same training and validation sets every seed.
    data = (*adding_problem(np.random.default_rng(0), SEQUENCES, LENGTH),
            *adding_problem(np.random.default_rng(1), 1024, LENGTH))
    rows = []
    for name, make in layers().items():
        start = time.perf_counter()
        curves = [run(make, seed, args.epochs, data)
                  for seed in range(args.seeds)]
        solved = [next((k + 1 for k, v in enumerate(c)
                        if v < TRIVIAL_MSE / 10), None) for c in curves]
        rows.append({"model": name,
                     "final_val_mse": [round(c[-1], 4) for c in curves],
                     "first_epoch_below_tenth_of_trivial": solved,
                     "seconds": round(time.perf_counter() - start, 1)})
        print(f"{name:36}: final MSE {rows[-1]['final_val_mse']}, "
              f"epoch below {TRIVIAL_MSE / 10:.4f}: {solved}", flush=True)
    write_results(args.out, sequences_per_epoch=SEQUENCES,
                  epochs=args.epochs, seeds=args.seeds,
                  trivial_mse=round(TRIVIAL_MSE, 4), results=rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
