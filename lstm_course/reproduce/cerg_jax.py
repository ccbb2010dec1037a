"""Gers et al. (2000)'s CERG protocol for K trials, compiled with JAX: the
step of :mod:`~lstm_course.reproduce.online_forget` (same equations,
float64) and the state machine of
:mod:`~lstm_course.reproduce.cerg_protocol`, both inside one ``lax.scan``
of ``CHUNK`` symbols, so that a trial's million-symbol test costs seconds,
where the NumPy driver (:func:`~lstm_course.reproduce.cerg_paper.train_cerg`)
takes about half an hour.

Symbols come from per-trial buffers of whole embedded Reber strings (one
for training streams, one for test streams), refilled between chunks with
the unread tail kept, so a stream never breaks a string; a new stream
starts at the next string's B. The allowed next symbols are stored as a
7-bit mask per position.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from lstm_course.reproduce import online_forget
from lstm_course.reproduce.cerg_network import CERGNetwork, initial_weights
from lstm_course.reproduce.cerg_protocol import TOLERANCE, Protocol, summary
from lstm_course.tasks import reber

CHUNK = 512
BUFFER = 1 << 15
MARGIN = 16 * CHUNK  # a chunk's pointer moves: a symbol a step, and a
# string's rest at each stream switch (strings average 12 symbols)
_TRAIN, _TEST, _DONE = 0, 1, 2


def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


class _Buffers:
    """Per-trial symbols, next-symbol masks, string starts and, for each
    position, the next string start at or after it."""

    def __init__(self, rngs, size=BUFFER):
        self.rngs, self.size = rngs, size
        k = len(rngs)
        self.symbols = np.zeros((k, size), np.int32)
        self.masks = np.zeros((k, size), np.int32)
        self.starts = np.zeros((k, size), bool)
        self.next_start = np.zeros((k, size), np.int32)
        self.pending = [draw_strings(r) for r in rngs]
        self._device = None
        for trial in range(k):
            self._fill(trial, size)  # keep nothing: all fresh

    def _fill(self, trial, keep_from):
        """Keep positions ``keep_from:`` at the front, then the trial's
        stream goes on (its drawn but unused symbols first): what a trial
        reads does not depend on when its buffer is refilled."""
        self._device = None
        kept = self.size - keep_from
        for name in ("symbols", "masks", "starts"):
            row = getattr(self, name)[trial]
            row[:kept] = row[keep_from:].copy()
        at = kept
        while at < self.size:
            symbols, masks, starts = self.pending[trial]
            n = min(len(symbols), self.size - at)
            self.symbols[trial, at:at + n] = symbols[:n]
            self.masks[trial, at:at + n] = masks[:n]
            self.starts[trial, at:at + n] = starts[:n]
            at += n
            rest = tuple(a[n:] for a in self.pending[trial])
            self.pending[trial] = rest if len(rest[0]) else \
                draw_strings(self.rngs[trial])
        # A tail with no string start left points past the end; MARGIN
        # keeps pointers far from it.
        following = np.where(self.starts[trial], np.arange(self.size),
                             self.size)
        self.next_start[trial] = np.minimum.accumulate(following[::-1])[::-1]

    def refill(self, pointers, margin) -> np.ndarray:
        """Refill the trials whose pointer is within ``margin`` of the end;
        returns the pointers, moved to the kept tail's new place."""
        pointers = np.array(pointers)
        for trial in np.flatnonzero(pointers > self.size - margin):
            self._fill(trial, int(pointers[trial]))
            pointers[trial] = 0
        return pointers

    def on_device(self, jnp) -> tuple:
        """The four arrays as JAX arrays, copied again only after a refill
        changed them (measured, K = 20, 102,400 symbols: 7.7 s with a copy
        per chunk, 6.3 s without)."""
        if self._device is None:
            self._device = tuple(jnp.asarray(a) for a in (
                self.symbols, self.masks, self.starts, self.next_start))
        return self._device


def draw_strings(rng, strings=1024):
    """The next ``strings`` strings of a trial's stream: symbols, masks of
    the allowed next symbols (bit i: symbol i), string starts. The NumPy
    driver draws its streams the same way, so both read the same symbols."""
    return reber.cerg_arrays(rng, strings)


@functools.cache
def _chunk_fn(blocks, cells_per_block, forget, state_decay, reset_strings,
              steps):
    """The compiled scan of ``steps`` symbols for one network shape."""
    jax = _jax()
    jnp = jax.numpy
    b, kc = blocks, cells_per_block
    c = b * kc

    def sigmoid(v):
        return 0.5 + 0.5 * jnp.tanh(0.5 * v)

    def per_cell(v):
        return jnp.repeat(v, kc, axis=-1)

    def matvec(v, matrix):
        """(K, M) x (K, M, N) -> (K, N), trial by trial."""
        return (v[:, :, None] * matrix).sum(1)

    def zero_where(tree, flags):
        return {n: jnp.where(flags.reshape((-1,) + (1,) * (v.ndim - 1)),
                             0.0, v) for n, v in tree.items()}

    def body(data, carry, _):
        train_buf, test_buf, limits = data
        w, net, p = carry
        trials = p["phase"].shape[0]
        rows = jnp.arange(trials)
        testing = p["phase"] == _TEST
        ptr = jnp.where(testing, p["test_ptr"], p["train_ptr"])

        def pick(buf_train, buf_test):
            return jnp.where(testing, buf_test[rows, ptr],
                             buf_train[rows, ptr])

        symbol = pick(train_buf[0], test_buf[0])
        mask = pick(train_buf[1], test_buf[1])
        target = ((mask[:, None] >> jnp.arange(7)) & 1).astype(jnp.float64)
        if reset_strings:
            net = zero_where(net, pick(train_buf[2], test_buf[2]))
        x = jax.nn.one_hot(symbol, 7, dtype=jnp.float64)
        z = jnp.concatenate([x, net["y_c"]], axis=1)
        z1 = jnp.concatenate([z, jnp.ones((trials, 1))], axis=1)
        net_c = matvec(z, w["cell_kernel"])
        gates = sigmoid(matvec(z1, w["gate_kernel"]))
        y_in, y_out = gates[:, :b], gates[:, -b:]
        keep = per_cell(gates[:, b:2 * b]) if forget \
            else jnp.full((trials, c), state_decay)
        f_c = sigmoid(net_c)
        g, dg = 4 * f_c - 2, 4 * f_c * (1 - f_c)
        s_prev = net["s"]
        s = keep * s_prev + per_cell(y_in) * g
        new = {"s": s,
               "sens_cell": keep[..., None] * net["sens_cell"]
               + (per_cell(y_in) * dg)[..., None] * z[:, None, :],
               "sens_in": keep[..., None] * net["sens_in"]
               + (g * per_cell(y_in * (1 - y_in)))[..., None] * z1[:, None]}
        if forget:
            y_phi = gates[:, b:2 * b]
            new["sens_forget"] = keep[..., None] * net["sens_forget"] + (
                s_prev * per_cell(y_phi * (1 - y_phi)))[..., None] \
                * z1[:, None]
        h = jnp.tanh(0.5 * s)
        dh = 0.5 * (1 - h * h)
        new["y_c"] = per_cell(y_out) * h
        seen = jnp.concatenate([x, new["y_c"], jnp.ones((trials, 1))], 1)
        y_k = sigmoid(matvec(seen, w["output_kernel"]))

        training = p["phase"] == _TRAIN
        rate = jnp.where(training, p["rate"], 0.0)
        delta = (y_k - target) * y_k * (1 - y_k)
        e_c = (delta[:, None, :] * w["output_kernel"][:, 7:7 + c]).sum(-1)
        e_s = e_c * per_cell(y_out) * dh
        d_out = (e_c * h).reshape(trials, b, kc).sum(-1) * y_out * (1 - y_out)

        def block_sum(sens):
            return (e_s[..., None] * sens).reshape(trials, b, kc, -1) \
                .sum(2).transpose(0, 2, 1)

        gate_parts = [block_sum(new["sens_in"])]
        if forget:
            gate_parts.append(block_sum(new["sens_forget"]))
        gate_parts.append(z1[:, :, None] * d_out[:, None, :])
        grads = {"cell_kernel": (e_s[..., None] * new["sens_cell"])
                 .transpose(0, 2, 1),
                 "gate_kernel": jnp.concatenate(gate_parts, axis=2),
                 "output_kernel": seen[:, :, None] * delta[:, None, :]}
        w = {n: v - rate[:, None, None] * grads[n] for n, v in w.items()}

        # The protocol (cerg_protocol.Protocol, vectorised).
        ok = jnp.all(jnp.abs(y_k - target) < TOLERANCE, axis=-1)
        stream_symbols, test_symbols, test_streams, max_streams, decay = \
            limits
        run = p["run"] + ok
        end_train = training & (~ok | (run >= stream_symbols))
        end_test = testing & (~ok | (run >= test_symbols))
        tests_done = end_test & (p["test_index"] + 1 >= test_streams)
        full = p["all_full"] & (~end_test | (run >= test_symbols))
        streams = p["streams"] + end_train
        mean = (p["test_sum"] + run) / test_streams
        finished = tests_done & (full | (streams >= max_streams))
        q = {
            "phase": jnp.where(end_train, _TEST, jnp.where(
                tests_done, jnp.where(finished, _DONE, _TRAIN), p["phase"])),
            "streams": streams,
            "trained": p["trained"] + training,
            "run": jnp.where(end_train | end_test, 0, run),
            "test_index": jnp.where(end_train | tests_done, 0,
                                    p["test_index"] + end_test),
            "test_sum": jnp.where(end_train | tests_done, 0.0,
                                  p["test_sum"] + jnp.where(end_test, run, 0)),
            "all_full": jnp.where(end_train | tests_done, True, full),
            "last_test": jnp.where(tests_done, mean, p["last_test"]),
            "best_test": jnp.where(tests_done,
                                   jnp.maximum(mean, p["best_test"]),
                                   p["best_test"]),
            "perfect": p["perfect"] | (tests_done & full),
            "rate": jnp.where(end_train, p["rate"] * decay, p["rate"]),
            # a symbol read in training is used up; a new stream starts at
            # the next string's B
            "train_ptr": jnp.where(
                training, p["train_ptr"] + 1, jnp.where(
                    tests_done & ~finished,
                    train_buf[3][rows, p["train_ptr"]], p["train_ptr"])),
            "test_ptr": jnp.where(
                end_train, test_buf[3][rows, p["test_ptr"]], jnp.where(
                    end_test, test_buf[3][rows, p["test_ptr"] + 1],
                    p["test_ptr"] + testing))}
        # The state restarts with every stream; a finished trial idles.
        new = zero_where(new, end_train | end_test)
        return (w, new, q), None

    @jax.jit
    def chunk(carry, data):
        # the buffers are only read: they stay out of the loop's carry
        carry, _ = jax.lax.scan(functools.partial(body, data), carry, None,
                                length=steps)
        return carry

    return chunk


def train_cerg_jax(network: CERGNetwork, trials: int, seed: int = 0,
                   rate: float = 0.5, decay: float | None = None,
                   reset_strings: bool = False, max_streams: int = 30_000,
                   stream_symbols: int = 1_000_000, test_streams: int = 10,
                   test_symbols: int = 100_000, max_steps: int | None = None,
                   progress=None, keep_weights: bool = False) -> dict:
    """:func:`lstm_course.reproduce.cerg_paper.train_cerg`, compiled; also
    stops after ``max_steps`` symbols per trial, if given, rounded up to whole
    chunks of ``CHUNK`` (unfinished trials are then reported as such).
    ``keep_weights``: the trained weights, (K, ...) NumPy arrays, come back
    as ``"final_weights"``."""
    jax = _jax()
    jnp = jax.numpy
    if decay is not None and not 0 < decay <= 1:
        raise ValueError(f"decay must be in (0, 1], got {decay}")
    seeds = [seed + k for k in range(trials)]
    weights = {n: jnp.asarray(v) for n, v in
               initial_weights(network, seeds).items()}
    net = {n: jnp.asarray(v) for n, v in
           online_forget.zero_state(network, trials).items()}
    train = _Buffers([np.random.default_rng([s, 0]) for s in seeds])
    test = _Buffers([np.random.default_rng([s, 1]) for s in seeds])
    zeros = np.zeros(trials, np.int64)
    p = {"phase": zeros, "streams": zeros, "trained": zeros, "run": zeros,
         "test_index": zeros, "test_sum": np.zeros(trials),
         "all_full": np.ones(trials, bool), "last_test": np.zeros(trials),
         "best_test": np.zeros(trials), "perfect": np.zeros(trials, bool),
         "rate": np.full(trials, float(rate)), "train_ptr": zeros,
         "test_ptr": zeros}
    # the compiled loop runs the protocol itself; Protocol checks the limits
    rules = Protocol(max_streams, stream_symbols, test_streams, test_symbols)
    limits = (stream_symbols, test_symbols, test_streams, max_streams,
              1.0 if decay is None else float(decay))
    chunk = _chunk_fn(network.blocks, network.cells_per_block,
                      network.forget_gates, network.state_decay,
                      reset_strings, CHUNK)
    steps = 0
    start = time.perf_counter()
    while True:
        p = {n: np.array(v) for n, v in p.items()}
        if (p["phase"] == _DONE).all() or (max_steps and steps >= max_steps):
            break
        if max(p["train_ptr"].max(), p["test_ptr"].max()) >= BUFFER - 1:
            raise RuntimeError("a stream ran past its buffer: raise MARGIN")
        p["train_ptr"] = train.refill(p["train_ptr"], MARGIN)
        p["test_ptr"] = test.refill(p["test_ptr"], MARGIN)
        carry = (weights, net, {n: jnp.asarray(v) for n, v in p.items()})
        data = (train.on_device(jnp), test.on_device(jnp), limits)
        weights, net, p = chunk(carry, data)
        steps += CHUNK
        if progress:
            progress(steps, int((np.asarray(p["phase"]) != _DONE).sum()))
    records = [{"seed": s, "perfect": bool(p["perfect"][k]),
                "finished": bool(p["phase"][k] == _DONE),
                "streams": int(p["streams"][k]),
                "trained_symbols": int(p["trained"][k]),
                "last_test": round(float(p["last_test"][k]), 1),
                "best_test": round(float(p["best_test"][k]), 1)}
               for k, s in enumerate(seeds)]
    result = summary(network, records, rate=rate, decay=decay,
                     reset_strings=reset_strings,
                     protocol=rules.settings(),
                     steps=steps, seconds=time.perf_counter() - start)
    if keep_weights:
        result["final_weights"] = {n: np.asarray(v)
                                   for n, v in weights.items()}
    return result
