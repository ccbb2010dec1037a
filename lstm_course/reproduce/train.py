"""The training loop of a reproduction: fresh sequences every update (the
paper's online learning), a fresh test set checked every so many
sequences, and a stop when the experiment's criterion holds on it or the
budget is spent."""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from lstm_course.reproduce.experiments import EXPERIMENTS, generate
from lstm_course.reproduce.options import (ADAM_BATCH, MODELS, MODES,
                                           OPTIMIZERS, learning_rate_of,
                                           require_choice)
from lstm_course.tasks.sequences import Sequences
from lstm_course.validation import positive_int

BUCKET = 32  # pad lengths to multiples of this: fewer compiled shapes


def padded(batch: Sequences, width: int) -> Sequences:
    """``batch`` padded after its ends to ``width`` steps."""
    extra = width - batch.mask.shape[1]
    if extra <= 0:
        return batch
    steps = ((0, 0), (0, extra))
    fill = -1 if batch.symbols else 0
    inputs = np.pad(batch.inputs, steps + ((0, 0),) * (batch.inputs.ndim - 2),
                    constant_values=fill)
    return Sequences(inputs, np.pad(batch.targets, steps + ((0, 0),)),
                     np.pad(batch.mask, steps), batch.lengths, batch.symbols)


def bucketed(batch: Sequences) -> Sequences:
    return padded(batch, BUCKET * math.ceil(batch.mask.shape[1] / BUCKET))


def test_right(network, test: Sequences, padded_inputs, criterion) \
        -> np.ndarray:
    """bool per test sequence, from the network's outputs on the test
    inputs (``padded_inputs``: bucketed once, read at every check)."""
    outputs = network.predict(padded_inputs, batch_size=64,
                              verbose=0)[:, :test.mask.shape[1]]
    return criterion(outputs, test)


class Progress:
    """One line on stderr, rewritten in place on a terminal."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.terminal = sys.stderr.isatty()

    def show(self, text):
        if self.enabled:
            end = "\r" if self.terminal else "\n"
            print(f"{text:79}", end=end, file=sys.stderr, flush=True)

    def done(self):
        if self.enabled and self.terminal:
            print(file=sys.stderr)


def run_trial(experiment, size, budget, test_sequences, check_every, seed,
              model="lstm1997", optimizer="paper", progress=None,
              learning_rate=None):
    """Train one network; returns a dict with ``solved``, ``sequences``
    (seen when the criterion first held, or the budget), the final share of
    the test set right, the seconds taken, and ``checks``: [sequences seen,
    share of the test set right] at every check."""
    import keras

    from lstm_course.reproduce.model import build_model

    start = time.perf_counter()
    train_rng = np.random.default_rng([seed, 0])
    test = generate(experiment, np.random.default_rng([seed, 1]),
                    test_sequences, size)
    # Base rates from sequences of their own: neither the test set's nor
    # the training stream's draws change with the setting.
    prior = generate(experiment, np.random.default_rng([seed, 2]), 256,
                     size) if experiment.base_rate_outputs else None
    keras.utils.set_random_seed(seed)
    network = build_model(experiment, test, model, optimizer, prior,
                          learning_rate)
    test_inputs = bucketed(test).inputs
    batch_size = 1 if optimizer == "paper" else ADAM_BATCH
    seen, share, checks = 0, 0.0, []
    while seen < budget:
        chunk = generate(experiment, train_rng,
                         min(check_every, budget - seen), size)
        chunk = bucketed(chunk)
        network.fit(chunk.inputs, chunk.targets,
                    sample_weight=chunk.mask.astype("float32"),
                    batch_size=batch_size, epochs=1, shuffle=False,
                    verbose=0)
        seen += len(chunk.lengths)
        share = float(test_right(network, test, test_inputs,
                                 experiment.criterion).mean())
        checks.append([seen, round(share, 4)])
        if progress:
            progress.show(f"  seed {seed}: {seen:,}/{budget:,} sequences, "
                          f"test right {100 * share:.1f}%")
        if share >= experiment.required:
            break
    return {"seed": seed, "solved": share >= experiment.required,
            "sequences": seen, "test_right": round(share, 4),
            "seconds": round(time.perf_counter() - start, 1),
            "checks": checks}


def reproduce(name, mode="class", trials=None, optimizer="paper",
              model="lstm1997", size=None, budget=None, seed=0,
              progress=False, learning_rate=None) -> dict:
    """Run ``trials`` trials of experiment ``name``; returns the results
    (without the command and machine, which the caller adds)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; the experiments "
                         f"are {', '.join(EXPERIMENTS)}")
    require_choice("mode", mode, MODES)
    require_choice("model", model, MODELS)
    require_choice("optimizer", optimizer, OPTIMIZERS)
    experiment = EXPERIMENTS[name]
    learning_rate = learning_rate_of(experiment, optimizer, learning_rate)
    default_size, default_budget, test_sequences, check_every = \
        experiment.modes[mode]
    if size is not None and experiment.size_name is None:
        raise ValueError(f"experiment {name} has no size to set")
    size = default_size if size is None else size
    budget = default_budget if budget is None else budget
    trials = {"smoke": 1, "class": 3, "paper": 10}[mode] if trials is None \
        else trials
    trials = positive_int("trials", trials)
    budget = positive_int("budget", budget)
    # Check the size before any training: generators say what is wrong.
    generate(experiment, np.random.default_rng(0), 1, size)
    shown = Progress(progress)
    start = time.perf_counter()
    results = []
    for trial in range(trials):
        shown.show(f"experiment {experiment.describe(size)}: trial "
                   f"{trial + 1}/{trials}")
        results.append(run_trial(experiment, size, budget, test_sequences,
                                 check_every, seed + trial, model, optimizer,
                                 shown, learning_rate))
    shown.done()
    solved = [r["sequences"] for r in results if r["solved"]]
    return {
        "experiment": name, "title": experiment.title,
        "size_name": experiment.size_name, "size": size, "mode": mode,
        "model": model, "optimizer": optimizer,
        "learning_rate": learning_rate, "budget": budget,
        "test_sequences": test_sequences, "check_every": check_every,
        "required_test_share": experiment.required,
        "network": f"{experiment.blocks} blocks x "
                   f"{experiment.cells_per_block} cells",
        "seed": seed, "trials": results,
        "percent_solved": round(100 * len(solved) / trials, 1),
        "median_sequences_to_solve":
            int(np.median(solved)) if solved else None,
        "paper": {"sequences": experiment.paper_sequences.get(size),
                  "percent_solved": experiment.paper_success,
                  "setting": experiment.paper_note},
        "wall_seconds": round(time.perf_counter() - start, 1)}
