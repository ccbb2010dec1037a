"""Train-step and inference time of every custom cell against its Keras
built-in twin, on each installed Keras backend, with and without
``jit_compile``.

    python benchmarks/cell_speed.py [--backends tensorflow jax torch]
        [--lengths 100 1000] [--units 64] [--batch 64] [--repeats 10]

Pairs (same width, input 2 features, a Dense(1) read-out, MSE, Adam):
ElmanCell / SimpleRNN, LSTMCell / LSTM, GRUCell / GRU (both reset_after),
and LSTM1997Cell (one cell per block) / LSTM. Each backend runs in its own
process (``KERAS_BACKEND`` is read at import); within it, the cell and its
twin alternate step by step so that machine noise hits both. Times are
medians of ``--repeats`` steps after ``--warmup`` steps (the first of which
compiles). The ratio of a pair is taken at its best ``jit_compile``
setting, the same for both (where the two together train fastest); the
table also gives the ratio at the other setting.

Writes ``benchmarks/results/cell_speed.json`` (every time, with the
command, versions and machine), ``cell_speed.md`` (the ratios) and
``cell_speed.png``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("tensorflow", "jax", "torch")
PAIRS = ("ElmanCell", "LSTMCell", "GRUCell", "LSTM1997Cell")
TWINS = {"ElmanCell": "SimpleRNN", "LSTMCell": "LSTM", "GRUCell": "GRU",
         "LSTM1997Cell": "LSTM"}
TARGETS = {"ElmanCell": 1.0, "LSTMCell": 1.0, "GRUCell": 1.0,
           "LSTM1997Cell": 0.6}


def recurrent_layer(name, units):
    import keras

    from lstm_course import cells

    if name in TWINS.values():
        return getattr(keras.layers, name)(units)
    return keras.layers.RNN(getattr(cells, name)(units))


def make_model(name, units, length, jit):
    import keras

    model = keras.Sequential([keras.Input((length, 2)),
                              recurrent_layer(name, units),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(1e-3), "mse", jit_compile=jit)
    return model


def median_times(models, x, y, warmup, repeats):
    """{name: (train s, inference s)}: medians, measured alternately."""
    import numpy as np

    for model in models.values():
        for _ in range(warmup):
            model.train_on_batch(x, y)
            model.predict_on_batch(x)
    train = {name: [] for name in models}
    infer = {name: [] for name in models}
    for _ in range(repeats):
        for name, model in models.items():
            start = time.perf_counter()
            model.train_on_batch(x, y)
            train[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            model.predict_on_batch(x)
            infer[name].append(time.perf_counter() - start)
    return {name: (float(np.median(train[name])),
                   float(np.median(infer[name]))) for name in models}


def child(args) -> int:
    """Measure on this process's backend; rows as JSON to ``args.out``."""
    import keras
    import numpy as np

    backend = keras.backend.backend()
    if backend == "tensorflow" and args.inter_op_threads:
        import tensorflow as tf

        tf.config.threading.set_inter_op_parallelism_threads(
            args.inter_op_threads)
    rows = []
    for length in args.lengths:
        rng = np.random.default_rng(0)
        x = rng.uniform(-1, 1, (args.batch, length, 2)).astype("float32")
        y = rng.uniform(0, 1, (args.batch, 1)).astype("float32")
        for cell in args.cells:
            for jit in (False, True):
                if backend == "torch" and jit and not args.torch_jit:
                    rows.append({"backend": backend, "cell": cell,
                                 "length": length, "jit_compile": jit,
                                 "error": "not run: torch.compile traces "
                                          "the Python loop over time step "
                                          "by step (--torch-jit runs it)"})
                    continue
                if backend == "torch" and length > 100 and \
                        not args.torch_long:
                    rows.append({"backend": backend, "cell": cell,
                                 "length": length, "jit_compile": jit,
                                 "error": "not run: keras.layers.LSTM took "
                                          "23.5 s per train step at T = "
                                          "1000 on PyTorch's CPU build "
                                          "(--torch-long runs it)"})
                    continue
                start = time.perf_counter()
                try:
                    models = {name: make_model(name, args.units, length, jit)
                              for name in (cell, TWINS[cell])}
                    times = median_times(models, x, y, args.warmup,
                                         args.repeats)
                except Exception as error:  # e.g. torch.compile refusing
                    rows.append({"backend": backend, "cell": cell,
                                 "length": length, "jit_compile": jit,
                                 "error": f"{type(error).__name__}: "
                                          f"{str(error)[:300]}"})
                    print(f"{backend} {cell} T={length} jit={jit}: "
                          f"{rows[-1]['error']}", flush=True)
                    continue
                row = {"backend": backend, "cell": cell, "twin": TWINS[cell],
                       "length": length, "jit_compile": jit,
                       "train_s": times[cell][0],
                       "twin_train_s": times[TWINS[cell]][0],
                       "infer_s": times[cell][1],
                       "twin_infer_s": times[TWINS[cell]][1],
                       "seconds_total": time.perf_counter() - start}
                rows.append(row)
                print(f"{backend:10} {cell:12} T={length:5} jit={jit!s:5} "
                      f"train {row['train_s'] * 1e3:8.2f} ms vs "
                      f"{row['twin_train_s'] * 1e3:8.2f} ms "
                      f"(ratio {row['train_s'] / row['twin_train_s']:.3f})",
                      flush=True)
    Path(args.out).write_text(json.dumps(rows))
    return 0


def headline(rows):
    """Per (backend, cell, length): the row at the pair's best jit setting,
    the one where cell and twin together train fastest."""
    best = {}
    for row in rows:
        if "error" in row:
            continue
        key = (row["backend"], row["cell"], row["length"])
        total = row["train_s"] + row["twin_train_s"]
        if key not in best or total < (best[key]["train_s"]
                                       + best[key]["twin_train_s"]):
            best[key] = row
    return best


def other_ratio(rows, row) -> str:
    """The train ratio at the other jit setting, or why there is none."""
    for other in rows:
        if (other["backend"], other["cell"], other["length"]) == (
                row["backend"], row["cell"], row["length"]) and \
                other["jit_compile"] != row["jit_compile"]:
            if "error" in other:
                return "not run"
            return f"{other['train_s'] / other['twin_train_s']:.2f}"
    return "not run"


def summary(rows, versions) -> str:
    lines = ["| backend | cell | twin | T | best jit_compile | train ms "
             "(cell / twin) | ratio | target | ratio, other jit setting | "
             "inference ms (cell / twin) | ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (backend, cell, length), row in sorted(headline(rows).items()):
        ratio = row["train_s"] / row["twin_train_s"]
        lines.append(
            f"| {backend} {versions.get(backend, '')} | {cell} | "
            f"{row['twin']} | {length} | {row['jit_compile']} | "
            f"{row['train_s'] * 1e3:.1f} / {row['twin_train_s'] * 1e3:.1f} | "
            f"{ratio:.2f} | <= {TARGETS[cell]} "
            f"{'met' if ratio <= TARGETS[cell] else 'missed'} | "
            f"{other_ratio(rows, row)} | "
            f"{row['infer_s'] * 1e3:.1f} / {row['twin_infer_s'] * 1e3:.1f} | "
            f"{row['infer_s'] / row['twin_infer_s']:.2f} |")
    errors = [row for row in rows if "error" in row]
    if errors:
        lines += ["", "Settings that did not run:", ""]
        lines += [f"- {r['backend']} {r['cell']} T={r['length']} "
                  f"jit_compile={r['jit_compile']}: {r['error']}"
                  for r in errors]
    return "\n".join(lines)


def figure(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    best = headline(rows)
    backends = sorted({key[0] for key in best})
    lengths = sorted({key[2] for key in best})
    fig, axes = plt.subplots(1, len(lengths), figsize=(5.5 * len(lengths), 3.4),
                             squeeze=False)
    for ax, length in zip(axes[0], lengths):
        for k, backend in enumerate(backends):
            ratios = [best[(backend, cell, length)]["train_s"]
                      / best[(backend, cell, length)]["twin_train_s"]
                      if (backend, cell, length) in best else np.nan
                      for cell in PAIRS]
            ax.bar(np.arange(len(PAIRS)) + k / (len(backends) + 1), ratios,
                   width=1 / (len(backends) + 1), label=backend)
        for j, cell in enumerate(PAIRS):
            ax.hlines(TARGETS[cell], j - 0.2, j + 0.8, color="black", lw=1)
        ax.set_xticks(np.arange(len(PAIRS)) + 0.3, PAIRS, fontsize=8)
        ax.set(title=f"train step, T = {length}: cell / built-in twin "
               "(line: target)", ylabel="time ratio")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def installed(backend) -> bool:
    return importlib.util.find_spec(backend) is not None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS,
                        default=[b for b in BACKENDS if installed(b)])
    parser.add_argument("--cells", nargs="+", choices=PAIRS,
                        default=list(PAIRS))
    parser.add_argument("--lengths", nargs="+", type=int, default=[100, 1000])
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--inter-op-threads", type=int, default=1,
                        help="TensorFlow inter-op threads (0: TF's default)")
    parser.add_argument("--torch-jit", action="store_true",
                        help="also time jit_compile=True on PyTorch")
    parser.add_argument("--torch-long", action="store_true",
                        help="also time T > 100 on PyTorch (slow)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/cell_speed.json")
    args = parser.parse_args(argv)
    for name in ("units", "batch", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.child:
        return child(args)
    missing = [b for b in args.backends if not installed(b)]
    if missing:
        parser.error(f"backend(s) not installed: {', '.join(missing)}")

    from lstm_course.provenance import write_results

    rows, versions = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        for backend in args.backends:
            out = Path(scratch) / f"{backend}.json"
            command = [sys.executable, __file__, "--child", "--out", str(out),
                       "--cells", *args.cells,
                       "--lengths", *map(str, args.lengths),
                       "--units", str(args.units), "--batch", str(args.batch),
                       "--warmup", str(args.warmup),
                       "--repeats", str(args.repeats),
                       "--inter-op-threads", str(args.inter_op_threads),
                       *(["--torch-jit"] if args.torch_jit else []),
                       *(["--torch-long"] if args.torch_long else [])]
            env = {**os.environ, "KERAS_BACKEND": backend}
            subprocess.run(command, env=env, check=True)
            rows += json.loads(out.read_text())
            versions[backend] = subprocess.run(
                [sys.executable, "-c", f"import {backend}; "
                 f"print({backend}.__version__)"],
                capture_output=True, text=True).stdout.strip()
    write_results(args.out, units=args.units, batch=args.batch,
                  repeats=args.repeats, warmup=args.warmup,
                  tensorflow_inter_op_threads=args.inter_op_threads,
                  backend_versions=versions, targets=TARGETS, rows=rows)
    table = summary(rows, versions)
    command = json.loads(args.out.read_text())["command"]
    args.out.with_suffix(".md").write_text(
        f"# Custom cells against their Keras twins\n\n`{command}`; units "
        f"{args.units}, batch {args.batch}, median of {args.repeats} steps; "
        "machine and versions in the JSON.\n\n" + table + "\n")
    figure(rows, args.out.with_suffix(".png"))
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
