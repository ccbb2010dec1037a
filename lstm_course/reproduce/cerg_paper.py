"""The continual embedded Reber grammar as Gers, Schmidhuber & Cummins (2000)
ran it: their network (:mod:`~lstm_course.reproduce.cerg_network`), online
truncated RTRL with a weight change after every symbol
(:mod:`~lstm_course.reproduce.online_forget`), and their protocol
(:mod:`~lstm_course.reproduce.cerg_protocol`), K trials at once, each with
its own weights, streams and place in the protocol.

Our readings where the source leaves room: the learning rate's decay (a
factor 0.99) is applied once per training stream; every stream starts from
a zero state; the 1997 cell "with external resets" is also reset to zero
at the start of every string.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from lstm_course.reproduce import online_forget
from lstm_course.reproduce.cerg_network import CERGNetwork, initial_weights
from lstm_course.reproduce.cerg_protocol import Protocol, right, summary


class _Stream:
    """A trial's endless CERG stream: ``take()`` gives the next (symbol,
    possible next symbols, starts a string?); a new stream begins with
    ``to_string_start()``. The same symbols as the compiled trainer's
    buffers (:mod:`~lstm_course.reproduce.cerg_jax`), drawn 256 strings at
    a time."""

    def __init__(self, rng):
        self.rng = rng
        self.symbols, self.at = np.zeros(0, int), 0

    def _ensure(self):
        if self.at == len(self.symbols):
            from lstm_course.reproduce.cerg_jax import draw_strings

            self.symbols, self.masks, self.starts = draw_strings(self.rng)
            self.at = 0

    def to_string_start(self):
        self._ensure()
        while not self.starts[self.at]:
            self.at += 1
            self._ensure()

    def take(self):
        self._ensure()
        j = self.at
        self.at += 1
        target = (self.masks[j] >> np.arange(7)) & 1
        return self.symbols[j], target.astype(np.float64), self.starts[j]


def train_cerg(network: CERGNetwork, trials: int, seed: int = 0,
               rate: float = 0.5, decay: float | None = None,
               reset_strings: bool = False, max_streams: int = 30_000,
               stream_symbols: int = 1_000_000, test_streams: int = 10,
               test_symbols: int = 100_000,
               progress: Callable | None = None) -> dict:
    """Train ``trials`` networks (seeds ``seed``, ``seed + 1``, ...) through
    Gers' protocol; a dict of what happened, per trial and summed up."""
    if decay is not None and not 0 < decay <= 1:
        raise ValueError(f"decay must be in (0, 1], got {decay}")
    start = time.perf_counter()
    seeds = [seed + k for k in range(trials)]
    weights = initial_weights(network, seeds)
    state = online_forget.zero_state(network, trials)
    protocols = [Protocol(max_streams, stream_symbols, test_streams,
                          test_symbols) for _ in seeds]
    train = [_Stream(np.random.default_rng([s, 0])) for s in seeds]
    test = [_Stream(np.random.default_rng([s, 1])) for s in seeds]
    rates = np.full(trials, float(rate))
    steps = 0
    while any(p.phase != "done" for p in protocols):
        drawn = [(test[k] if p.phase == "test" else train[k]).take()
                 for k, p in enumerate(protocols)]
        symbols = np.array([d[0] for d in drawn])
        targets = np.stack([d[1] for d in drawn])
        if reset_strings:
            online_forget.reset(state, [d[2] for d in drawn])
        training = np.array([p.phase == "train" for p in protocols])
        outputs = online_forget.step(network, weights, state, symbols,
                                     targets, rates * training)
        ok = right(outputs, targets)
        steps += 1
        for k, p in enumerate(protocols):
            if p.phase == "done":
                continue
            was_training = p.phase == "train"
            if p.advance(bool(ok[k])):
                online_forget.reset(state, np.arange(trials) == k)
                (test[k] if p.phase == "test" else train[k]) \
                    .to_string_start()
                if was_training and decay is not None:
                    rates[k] *= decay
        if progress and steps % 100_000 == 0:
            progress(steps, sum(p.phase != "done" for p in protocols))
    records = [{"seed": s, "perfect": p.perfect, "streams": p.streams,
                "trained_symbols": p.trained_symbols,
                "last_test": p.tests[-1], "best_test": max(p.tests)}
               for s, p in zip(seeds, protocols)]
    return summary(network, records, rate=rate, decay=decay,
                   reset_strings=reset_strings,
                   protocol=protocols[0].settings(),
                   steps=steps, seconds=time.perf_counter() - start)
