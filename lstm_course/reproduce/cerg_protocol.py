"""Gers, Schmidhuber & Cummins (2000)'s protocol on the continual embedded
Reber grammar, one trial's part of it as a small state machine.

- A prediction is **right** when every output's error against the
  possible next symbols (1 for each, 0 for the rest) is below 0.49 in
  absolute value: every output on the right side of 0.5, by a margin.
  Our notes (and the study note they come from) say "squared error below
  0.49"; read so, outputs all near 0.5, as an untrained network gives,
  are right at every symbol (error 0.25), and such a network passes any
  test: measured, 2 of 20 networks, after one training stream of 15-18
  symbols, were still in their first test when a 51,200-symbol run
  ended (over 5,000 right predictions per test stream on average; a test
  stream ends at its first error). Gers et al. report 0%
  perfect for the 1997 cell, so the rule cannot be that; the absolute
  reading is the one consistent with their results.
- A **training stream** of embedded Reber strings, without resets, runs
  until the first wrong prediction (or ``stream_symbols``, 10^6); the
  weights change after every symbol.
- After each training stream the frozen net is **tested** on
  ``test_streams`` (10) fresh streams, each until its first wrong
  prediction or ``test_symbols`` (100,000) symbols.
- The net is **perfect** once a test gets every symbol of all its streams
  right: 10 x 100,000 = 10^6 successive right predictions. Training ends
  there, or after ``max_streams`` (30,000) training streams.
"""

from __future__ import annotations

import numpy as np

from lstm_course.validation import positive_int

TOLERANCE = 0.49


def right(outputs, targets) -> np.ndarray:
    """(K,) bool: every output within 0.49 of its target."""
    error = np.abs(np.asarray(outputs) - np.asarray(targets))
    return np.all(error < TOLERANCE, axis=-1)


class Protocol:
    """One trial's place in the protocol. Feed it each prediction's
    verdict with :meth:`advance`; :attr:`phase` says whether the next symbol
    is for training (weights change), testing, or nothing (done)."""

    def __init__(self, max_streams=30_000, stream_symbols=1_000_000,
                 test_streams=10, test_symbols=100_000):
        self.max_streams = positive_int("max_streams", max_streams)
        self.stream_symbols = positive_int("stream_symbols", stream_symbols)
        self.test_streams = positive_int("test_streams", test_streams)
        self.test_symbols = positive_int("test_symbols", test_symbols)
        self.phase = "train"
        self.streams = 0  # training streams finished
        self.run = 0  # right predictions so far in the current stream
        self.test_runs: list[int] = []  # the current test's streams
        self.tests: list[float] = []  # mean right predictions per test
        self.trained_symbols = 0
        self.perfect = False

    def settings(self) -> dict:
        """The protocol's limits, as a run's summary records them."""
        return {"max_streams": self.max_streams,
                "stream_symbols": self.stream_symbols,
                "test_streams": self.test_streams,
                "test_symbols": self.test_symbols}

    def advance(self, is_right: bool) -> bool:
        """Count one prediction; True when a new stream starts with the next
        symbol (the network's state must be reset)."""
        if self.phase == "done":
            raise RuntimeError("this trial has finished the protocol")
        if self.phase == "train":
            self.trained_symbols += 1
            self.run += 1 if is_right else 0
            if is_right and self.run < self.stream_symbols:
                return False
            self.streams += 1
            self.phase, self.run, self.test_runs = "test", 0, []
            return True
        if is_right:
            self.run += 1
            if self.run < self.test_symbols:
                return False
        self.test_runs.append(self.run)
        self.run = 0
        if len(self.test_runs) < self.test_streams:
            return True
        self.tests.append(float(np.mean(self.test_runs)))
        self.perfect = all(r == self.test_symbols for r in self.test_runs)
        if self.perfect or self.streams >= self.max_streams:
            self.phase = "done"
        else:
            self.phase = "train"
        return True


def summary(network, records: list[dict], *, rate, decay, reset_strings,
            protocol: dict, steps: int, seconds: float) -> dict:
    """What a run of the protocol reports: its settings, every trial's
    record, the share perfect, the mean streams to perfection and the mean
    right predictions of the last test."""
    perfect = [r for r in records if r["perfect"]]
    return {
        "network": network.describe(), "weights": network.weights(),
        "learning_rate": rate, "decay": decay,
        "reset_strings": reset_strings, "protocol": protocol,
        "trials": records,
        "percent_perfect": round(100 * len(perfect) / len(records), 1),
        "mean_streams_to_perfect": round(float(np.mean(
            [r["streams"] for r in perfect])), 1) if perfect else None,
        "mean_last_test": round(float(np.mean(
            [r["last_test"] for r in records])), 1),
        "steps": steps, "wall_seconds": round(seconds, 1)}
