"""The 1997 experiments in the paper's configuration: every LSTM row of its
Tables 1-9 with the paper's network (Table 10), and Table 2's one-unit
baseline, trained by online plain gradient descent at the paper's learning
rate until its stop rule holds, K trials at a time
(:mod:`lstm_course.reproduce.online`).

Our readings where the paper leaves room, each said once here:

- 2a, 2b, 2c: "success after N sequences" means that after N training
  sequences the net, frozen, gets 10,000 successive fresh sequences right.
  A trial's frozen test runs whenever its streak of right training
  sequences reaches 100, 200, 400, ... (so the count is at most that
  streak late).
- 2a, 2b: the paper adds the memory cell and its input gate "once the
  error has stopped decreasing". Until then our cell's weights to the
  outputs are held at 0 (the cell is not there); it is added, with fresh
  weights to the outputs, once a trial's mean error over its last
  ``ADD_CELL_WINDOW`` sequences is no longer ``ADD_CELL_DROP`` (10%) below
  the window's before.
- 1, 3a-3c: the test set (256 fresh sequences; for 1 the fixed training
  and test sets) is checked every ``check_every`` training sequences.
- 4, 5, 6: the window is the 2,000 most recent training sequences, judged
  as they were processed; then a test of 2,560 fresh sequences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from lstm_course.reproduce import baselines, online, online_jax, stop_rules
from lstm_course.reproduce.networks import NETWORKS
from lstm_course.tasks import long_lag, marked_pairs, noise_signal, reber
from lstm_course.tasks.sequences import Sequences, at_ends
from lstm_course.tasks.temporal_order import temporal_order

#: The compiled trainer where JAX is installed (same numbers, tested).
TRAINER = "jax" if online_jax.available() else "numpy"
FINAL_TEST = 2_560
CURVE_EVERY = 1_000  # a trial's learning curve: share right per so many
STREAK_TEST = 10_000
ADD_CELL_WINDOW = 500
ADD_CELL_DROP = 0.1  # "stopped decreasing": less than 10% down per window


@dataclass(frozen=True)
class PaperRow:
    """One LSTM row of the paper's Tables 1-9.

    ``generate(rng, n)`` draws ``n`` sequences at the row's size;
    ``rule`` is the stop rule ("streak", "test", "recent" or "sets");
    ``right(outputs, batch)`` judges sequences (bool per sequence); a
    sequence's error, for ST3 and the final test, is its squared error at
    the end (:func:`end_squared_error`).
    """

    key: str
    table: int
    network: str  # a key of NETWORKS, ONE_UNIT or ELMAN (the baselines)
    size: int | None
    generate: Callable
    rule: str
    right: Callable
    learning_rate: float
    paper_sequences: float | None  # None: no trial succeeded in the paper
    paper_trials: int
    paper_success: float | None = None
    paper_range: tuple | None = None
    #: rule parameters: "test": (allowed wrong, ST2 bound) for ST1/ST2;
    #: "recent": ("st3", beta) or ("n_seq", n).
    stop: tuple = ()
    #: a second milestone the paper reports in the same run (ST2; n_seq 13).
    then: tuple = ()
    paper_then: float | None = None
    symbols: bool = True
    #: 2a/2b: the cell joins once the error has stopped decreasing.
    add_cell: bool = False
    note: str = ""

    @property
    def slug(self) -> str:
        """The row's name on a command line and in file names, e.g.
        ``2c-q1000-p500``."""
        return self.key.replace(" lr ", "-lr").replace("=", "").replace(
            " ", "-")


def _end_error(outputs, batch):
    """(N, K_out) absolute errors at each sequence's end."""
    return np.abs(at_ends(outputs, batch.lengths)
                  - at_ends(batch.targets, batch.lengths))


def end_below(tolerance):
    """Every output's absolute error at the end below ``tolerance``."""
    return lambda outputs, batch: np.all(
        _end_error(outputs, batch) < tolerance, axis=-1)


def every_step_below(tolerance):
    """2a: the largest absolute error of all outputs at all steps below
    ``tolerance``."""
    def right(outputs, batch):
        error = np.abs(outputs - batch.targets).max(-1)
        return np.all((error < tolerance) | ~batch.mask, axis=1)
    return right


def end_squared_error(outputs, batch):
    """(N,) squared error at the end, averaged over the output units."""
    return (_end_error(outputs, batch) ** 2).mean(-1)


def clean_3c(outputs, batch):
    """3c: within 0.1 of the noise-free target."""
    out = at_ends(outputs, batch.lengths)[:, 0]
    return np.abs(out - noise_signal.clean_targets(batch)) <= 0.1


def reber_right(outputs, batch):
    from lstm_course.tasks.criteria import symbols_right

    return symbols_right(outputs, batch)


def _reber_rows():
    rows = []
    for blocks, rate, mean, success in ((4, 0.1, 39_740, 100),
                                        (3, 0.1, 21_730, 100),
                                        (3, 0.2, 14_060, 97),
                                        (4, 0.5, 9_500, 97),
                                        (3, 0.5, 8_440, 100)):
        shape = "4x1" if blocks == 4 else "3x2"
        rows.append(PaperRow(
            f"1 {shape} lr {rate}", 1, f"1 ({shape})", None, None, "sets",
            reber_right, rate, mean, 30, success,
            paper_range=(3_800, 24_100) if (shape, rate) == ("3x2", 0.5)
            else None, note="3 pairs of training and test sets x 10 trials"))
    return rows


ONE_UNIT = "2a one-unit"
ELMAN = "1 Elman"


def _elman(rate):
    # The paper quotes Cleeremans et al. (1989) without a learning rate:
    # the LSTM rows' rates, on the same fixed sets and criterion.
    return PaperRow(f"1 Elman lr {rate}", 1, ELMAN, None, None, "sets",
                    reber_right, rate, None, 30, 0,
                    note="Elman's procedure (one-step gradient); "
                    "> 200,000 in the paper (Cleeremans et al. 1989)")


def _one_unit(method, p, rate, success, mean):
    # Table 2: the paper stopped RTRL and BPTT after 5 million sequences;
    # with one weight change per sequence both follow the same gradient.
    return PaperRow(f"2a {method} p={p} lr {rate}", 2, ONE_UNIT, p,
                    partial(long_lag.noise_free_long_lag, p=p), "streak",
                    every_step_below(0.25), rate, mean, 18, success,
                    note="one self-recurrent unit; > 5,000,000 where the "
                    "paper's mean is missing")


def _2c(q, p, mean):
    return PaperRow(f"2c q={q} p={p}", 3, "2c", p,
                    partial(long_lag.distractor_long_lag, q=q, p=p), "streak",
                    end_below(0.2), 0.01, mean, 20)


def _noise(task, n_signal, length, st1_mean, st2_mean, allowed, bound,
           generate, right, rate=1.0):
    return PaperRow(
        f"{task} T={length} N={n_signal}", {"3a": 4, "3b": 5, "3c": 6}[task],
        task, None, partial(generate, length=length, signal=n_signal),
        "test", right, rate, st1_mean, 10, stop=(allowed, None),
        then=(allowed, bound) if st2_mean else (), paper_then=st2_mean,
        symbols=False)


ROWS = {row.slug: row for row in [
    *_reber_rows(),
    _elman(0.1),
    _elman(0.5),
    _one_unit("RTRL", 4, 1.0, 78, 1_043_000),
    _one_unit("RTRL", 4, 4.0, 56, 892_000),
    _one_unit("RTRL", 4, 10.0, 22, 254_000),
    _one_unit("RTRL", 10, 1.0, 0, None),
    _one_unit("RTRL-BPTT", 100, 1.0, 0, None),
    PaperRow("2a p=100", 2, "2a", 100,
             partial(long_lag.noise_free_long_lag, p=100), "streak",
             every_step_below(0.25), 1.0, 5_040, 18, 100, add_cell=True),
    PaperRow("2b p=100", 2, "2b", 100,
             partial(long_lag.random_middle_long_lag, p=100), "streak",
             end_below(0.25), 1.0, 5_680, 18, 100, add_cell=True),
    *(_2c(q, q, mean) for q, mean in ((50, 30_000), (100, 31_000),
                                      (200, 33_000), (500, 38_000),
                                      (1000, 49_000))),
    *(_2c(1000, p, mean) for p, mean in ((500, 49_000), (200, 75_000),
                                         (100, 135_000), (50, 203_000))),
    _noise("3a", 3, 100, 27_380, 39_850, 0, 0.01,
           noise_signal.noise_and_signal, end_below(0.2)),
    _noise("3a", 1, 100, 58_370, 64_330, 0, 0.01,
           noise_signal.noise_and_signal, end_below(0.2)),
    _noise("3a", 3, 1000, 446_850, 452_460, 0, 0.01,
           noise_signal.noise_and_signal, end_below(0.2)),
    _noise("3b", 3, 100, 41_740, 43_250, 5, 0.04,
           partial(noise_signal.noise_and_signal, noisy_signal=True),
           end_below(0.2)),
    _noise("3b", 1, 100, 74_950, 78_430, 5, 0.04,
           partial(noise_signal.noise_and_signal, noisy_signal=True),
           end_below(0.2)),
    _noise("3b", 1, 1000, 481_060, 485_080, 5, 0.04,
           partial(noise_signal.noise_and_signal, noisy_signal=True),
           end_below(0.2)),
    # 3c stops once both hold at once: its ST1 is the whole rule.
    *(PaperRow(f"3c T=100 N={n}", 6, "3c", None,
               partial(noise_signal.noisy_targets, length=100, signal=n),
               "test", clean_3c, 0.1, mean, 10, stop=(0, 0.015),
               symbols=False) for n, mean in ((3, 269_650), (1, 565_640))),
    *(PaperRow(f"4 T={t}", 7, "4", None,
               partial(marked_pairs.adding_1997, length=t), "recent",
               end_below(0.04), 0.5, mean, 10, stop=("st3", 0.01),
               paper_range=(370_000, 2_020_000) if t == 1000 else None,
               symbols=False)
      for t, mean in ((100, 74_000), (500, 209_000), (1000, 853_000))),
    PaperRow("5 T=100", 8, "5", None,
             partial(marked_pairs.multiplication_1997, length=100), "recent",
             end_below(0.04), 0.1, 482_000, 10, stop=("n_seq", 140),
             then=("n_seq", 13), paper_then=1_273_000, symbols=False),
    PaperRow("6a", 9, "6a", None, partial(temporal_order, relevant=2),
             "recent", end_below(0.3), 0.5, 31_390, 20, stop=("st3", 0.1)),
    PaperRow("6b", 9, "6b", None, partial(temporal_order, relevant=3),
             "recent", end_below(0.3), 0.1, 571_100, 10, stop=("st3", 0.1)),
]}


def stack(batches: list[Sequences]) -> Sequences:
    """One batch per trial -> arrays with a leading trial axis, padded to
    the longest."""
    first = batches[0]
    width = max(b.mask.shape[1] for b in batches)
    shape = (len(batches), len(first.lengths), width)

    def filled(name, fill):
        sample = getattr(first, name)
        out = np.full(shape + sample.shape[2:], fill, sample.dtype)
        for k, b in enumerate(batches):
            part = getattr(b, name)
            out[k, :, :part.shape[1]] = part
        return out

    return Sequences(filled("inputs", -1 if first.symbols else 0),
                     filled("targets", 0), filled("mask", False),
                     np.stack([b.lengths for b in batches]), first.symbols)


def _judge(row, outputs, batch):
    """right, squared error and absolute error at the end (against 3c's
    noise-free target) per (trial, sequence) from stacked outputs: the
    trial and sequence axes are one batch to the criteria."""
    trials, n = batch.mask.shape[:2]

    def flat(array):
        return array.reshape(trials * n, *array.shape[2:])

    one = Sequences(*(flat(np.asarray(a)) for a in batch[:4]), batch.symbols)
    outputs = flat(outputs)
    return tuple(part.reshape(trials, n) for part in (
        row.right(outputs, one), end_squared_error(outputs, one),
        _absolute_error(row, outputs, one)))


def _absolute_error(row, outputs, batch):
    out = at_ends(outputs, batch.lengths)
    target = noise_signal.clean_targets(batch)[:, None] \
        if row.network == "3c" else at_ends(batch.targets, batch.lengths)
    return np.abs(out - target).mean(-1)


class _Stream:
    """A trial's fresh training sequences, drawn a chunk at a time."""

    def __init__(self, row, seed, chunk=256):
        self.row, self.chunk = row, chunk
        self.rng = np.random.default_rng([seed, 0])
        self.batch, self.next = None, chunk

    def take(self) -> Sequences:
        if self.next == self.chunk:
            self.batch, self.next = self.row.generate(self.rng, self.chunk), 0
        j = self.next
        self.next += 1
        return _rows(self.batch, j, j + 1)


def _subset(weights, index):
    return {name: value[index] for name, value in weights.items()}


def network_of(row: PaperRow):
    if row.network == ONE_UNIT:
        return baselines.OneUnitNetwork()
    if row.network == ELMAN:
        return baselines.ElmanNetwork()
    return NETWORKS[row.network]


def _initial_weights(network, size, seeds) -> dict:
    if isinstance(network, baselines.BASELINES):
        return baselines.initial_weights(network, size, seeds)
    return online.initial_weights(network, size, seeds)


def run(network, weights, batch, learn=False):
    """One step of all trials, compiled where JAX is installed."""
    if isinstance(network, baselines.BASELINES):
        return baselines.run(network, weights, batch, learn)
    if TRAINER == "jax":
        return online_jax.run(network, weights, batch, learn)
    return online.run(network, weights, batch, learn)


def test(row, network, weights, index, sets, slice_size=500) -> tuple:
    """right, squared and absolute error ``(K', n)`` of trials ``index``
    on their test ``sets`` (one batch per trial), ``slice_size`` sequences
    at a time (the outputs of 10,000 sequences of 2a would take 0.8 GB)."""
    sub = _subset(weights, index)
    size = len(sets[index[0]].lengths)
    parts = []
    for first in range(0, size, slice_size):
        part = [_rows(sets[k], first, first + slice_size) for k in index]
        batch = stack(part)
        outputs, _ = run(network, sub, batch)
        parts.append(_judge(row, outputs, batch))
    return tuple(np.concatenate(p, axis=1) for p in zip(*parts))


def all_right(row, network, weights, index, generate_set, size,
              slice_size=500) -> np.ndarray:
    """bool per trial of ``index``: every one of ``size`` fresh sequences
    right (drawn a slice at a time by ``generate_set(k, first, n)``); a
    trial's test ends at its first wrong slice, so failing is cheap."""
    index = np.asarray(index)
    ok = np.ones(len(index), bool)
    for first in range(0, size, slice_size):
        live = index[ok]
        if not len(live):
            break
        sets = {k: generate_set(k, first, min(slice_size, size - first))
                for k in live}
        right = test(row, network, weights, live, sets, slice_size)[0]
        ok[ok] = right.all(axis=1)
    return ok


def _rows(batch: Sequences, first: int, last: int) -> Sequences:
    """Sequences ``first:last`` of ``batch``, cut to their longest."""
    lengths = batch.lengths[first:last]
    width = int(lengths.max())
    return Sequences(batch.inputs[first:last, :width],
                     batch.targets[first:last, :width],
                     batch.mask[first:last, :width], lengths, batch.symbols)


def train_row(row: PaperRow, trials: int, seed: int = 0,
              budget: int = 100_000, check_every: int = 100,
              progress: Callable | None = None) -> dict:
    """Train ``trials`` networks of ``row`` at once until each meets the
    row's stop rule or has seen ``budget`` sequences."""
    start = time.perf_counter()
    network = network_of(row)
    seeds = [seed + k for k in range(trials)]
    weights = _initial_weights(network, row.size, seeds)
    active = np.ones(trials, bool)
    stopped = np.full(trials, -1)
    milestone = np.full(trials, -1)  # ST1 (3a, 3b) or n_seq 140 (5)
    if row.rule == "sets":
        sets = [reber.embedded_reber_sets(np.random.default_rng([s, 1]))
                for s in seeds]
        train_sets = [_reber_batch(train) for train, _ in sets]
        test_sets = [_reber_batch(train + test) for train, test in sets]
        picks = [np.random.default_rng([s, 0]) for s in seeds]
    else:
        streams = [_Stream(row, s) for s in seeds]
    streak = stop_rules.Successive(trials, STREAK_TEST)
    next_streak_test = np.full(trials, 100)
    recent = stop_rules.Recent(trials)
    cell = _CellJoins(network, weights, seeds) if row.add_cell else None
    curves: list[list] = [[] for _ in seeds]
    right_since = np.zeros(trials)
    seen = 0
    # Every trial runs at every step (the compiled shapes stay the same);
    # a stopped trial's weights no longer change.
    index = np.arange(trials)
    while active.any() and seen < budget:
        if row.rule == "sets":
            batch = stack([_pick(train_sets[k], picks[k]) for k in index])
        else:
            batch = stack([streams[k].take() for k in index])
        outputs, grads = run(network, weights, batch, learn=True)
        online.sgd_step(weights, grads, row.learning_rate, active)
        seen += 1
        if cell:
            cell.update(weights, index, outputs, batch, seen)
        right, error, _ = _judge(row, outputs, batch)
        right_since += right[:, 0]
        if seen % CURVE_EVERY == 0:
            for k in np.flatnonzero(active):
                curves[k].append([seen, round(right_since[k] / CURVE_EVERY,
                                              4)])
            right_since[:] = 0
        if row.rule == "streak":
            streak.update(right[:, 0] & active)
            due = np.flatnonzero(active & (streak.streak
                                           >= next_streak_test))
            if len(due):
                next_streak_test[due] *= 2
                ok = all_right(
                    row, network, weights, due,
                    lambda k, first, n: row.generate(np.random.default_rng(
                        [seeds[k], 2, seen, first]), n), STREAK_TEST)
                stopped[due[ok]], active[due[ok]] = seen, False
            next_streak_test[active & (streak.streak == 0)] = 100
        elif row.rule == "recent":
            recent.update(right[:, 0], error[:, 0])
            kind, value = row.stop
            done = stop_rules.st3(recent, value) if kind == "st3" \
                else stop_rules.fewer_wrong(recent, value)
            if row.then:
                first = done & active & (milestone < 0)
                milestone[first] = seen
                done = stop_rules.fewer_wrong(recent, row.then[1])
            newly = done & active
            stopped[newly], active[newly] = seen, False
        elif seen % check_every == 0:
            _check(row, network, weights, seeds, seen, active, stopped,
                   milestone, test_sets if row.rule == "sets" else None)
        if progress and seen % 1000 == 0:
            progress(seen, int(active.sum()))
    summary = _summary(row, network, weights, seeds, stopped, milestone,
                       seen, budget, time.perf_counter() - start)
    for record, curve in zip(summary["trials"], curves):
        record["curve"] = curve
    if cell:
        for record, joined in zip(summary["trials"], cell.joined):
            record["cell_added_after"] = int(joined) if joined >= 0 else None
    return summary


class _CellJoins:
    """2a/2b: the cell's weights to the outputs stay 0 until the trial's
    error has stopped decreasing; then they start uniform in the weight
    interval (the paper's remedy (1) for the abuse problem)."""

    def __init__(self, network, weights, seeds):
        self.cells = network.blocks * network.cells_per_block
        self.range = network.weight_range
        self.seeds = seeds
        trials = len(seeds)
        self.joined = np.full(trials, -1)
        self.window = np.zeros(trials)
        self.previous = np.full(trials, np.inf)
        weights["output_kernel"][:, -self.cells:] = 0.0

    def update(self, weights, index, outputs, batch, seen):
        off = self.joined < 0
        weights["output_kernel"][off, -self.cells:] = 0.0
        error = 0.5 * np.sum((outputs - batch.targets) ** 2
                             * batch.mask[..., None], axis=(1, 2, 3))
        self.window[index] += error
        if seen % ADD_CELL_WINDOW:
            return
        mean = self.window / ADD_CELL_WINDOW
        stalled = off & (mean >= (1 - ADD_CELL_DROP) * self.previous)
        for k in np.flatnonzero(stalled):
            rng = np.random.default_rng([self.seeds[k], 4])
            weights["output_kernel"][k, -self.cells:] = rng.uniform(
                -self.range, self.range,
                weights["output_kernel"][k, -self.cells:].shape)
            self.joined[k] = seen
        self.previous, self.window = mean, np.zeros_like(self.window)


def _reber_batch(strings):
    inputs, targets, mask = reber.strings_batch(strings)
    symbols = inputs.argmax(-1).astype(np.int32)
    symbols[inputs.sum(-1) == 0] = -1
    return Sequences(symbols, targets, mask, mask.sum(1) + 1,
                     len(reber.SYMBOLS))


def _pick(batch, rng):
    j = int(rng.integers(len(batch.lengths)))
    return _rows(batch, j, j + 1)


def _check(row, network, weights, seeds, seen, active, stopped, milestone,
           fixed_sets):
    """The test-set rules (1, 3a-3c) for every active trial."""
    index = np.flatnonzero(active)
    if fixed_sets is not None:
        sets = {k: fixed_sets[k] for k in index}
    else:
        sets = {k: row.generate(np.random.default_rng([seeds[k], 1, seen]),
                                256) for k in index}
    right, _, absolute = test(row, network, weights, index, sets)
    wrong = (~right).sum(1)
    if fixed_sets is not None:
        done = wrong == 0
    else:
        mae = absolute.mean(1)
        allowed, bound = row.stop
        done = stop_rules.st1(wrong, allowed) if bound is None \
            else stop_rules.st2(wrong, mae, allowed, bound)
        if row.then:
            first = done & (milestone[index] < 0)
            milestone[index[first]] = seen
            done = stop_rules.st2(wrong, mae, *row.then)
    stopped[index[done]] = seen
    active[index[done]] = False


def _summary(row, network, weights, seeds, stopped, milestone, seen, budget,
             seconds):
    solved = stopped >= 0
    trials = []
    final = None
    if row.rule in ("recent", "test") and solved.any():
        index = np.flatnonzero(solved)
        sets = {k: row.generate(np.random.default_rng([seeds[k], 3]),
                                FINAL_TEST) for k in index}
        right, error, _ = test(row, network, weights, index, sets)
        final = {k: (int((~right[i]).sum()), float(error[i].mean()))
                 for i, k in enumerate(index)}
    for k, s in enumerate(seeds):
        record = {"seed": s, "solved": bool(solved[k]),
                  "sequences": int(stopped[k]) if solved[k] else seen}
        if milestone[k] >= 0:
            record["first_milestone"] = int(milestone[k])
        if final and k in final:
            record["test_wrong"], record["test_mse"] = final[k][0], round(
                final[k][1], 6)
            record["test_sequences"] = FINAL_TEST
        trials.append(record)
    done = [t["sequences"] for t in trials if t["solved"]]
    firsts = [t["first_milestone"] for t in trials if "first_milestone" in t]
    return {
        "row": row.key, "table": row.table, "configuration": "paper",
        "network": f"{network.describe()}, {row.network}",
        "weights": sum(int(np.prod(w.shape[1:])) for w in weights.values()),
        "trainer": "numpy" if isinstance(network, baselines.BASELINES)
        else TRAINER,
        "learning_rate": row.learning_rate, "rule": row.rule,
        "budget": budget, "trials": trials,
        "percent_solved": round(100 * len(done) / len(trials), 1),
        "mean_sequences": round(float(np.mean(done)), 1) if done else None,
        "median_sequences": float(np.median(done)) if done else None,
        **({"first_milestone": {
            "percent_reached": round(100 * len(firsts) / len(trials), 1),
            "mean_sequences": round(float(np.mean(firsts)), 1)
            if firsts else None}} if row.then else {}),
        "paper": {"sequences": row.paper_sequences,
                  "percent_solved": row.paper_success,
                  "trials": row.paper_trials, "range": row.paper_range,
                  "second_milestone": row.paper_then},
        "wall_seconds": round(seconds, 1),
        "trial_sequences_per_second": round(
            sum(t["sequences"] for t in trials) / seconds, 1)}
