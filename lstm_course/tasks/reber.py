"""The Reber grammar, the embedded Reber grammar (Hochreiter & Schmidhuber
1997, experiment 1) and its continual version (Gers, Schmidhuber & Cummins
2000): strings, the symbols that may come next, and one-hot encodings.

The Reber grammar is a finite automaton over the 7 symbols B T P S X V E;
every branch is taken with probability 1/2. An embedded string is
``B T <Reber string> T E`` or ``B P <Reber string> P E``: to predict the
second-to-last symbol the network must remember the second one across the
whole inner string. The continual embedded Reber grammar (CERG) is a stream
of embedded strings with no reset between them.
Introduced in chapter 05.
"""

from __future__ import annotations

import functools

import numpy as np

from lstm_course.tasks.adding import _require_int, _require_rng

SYMBOLS = "BTPSXVE"
INDEX = {s: k for k, s in enumerate(SYMBOLS)}
# node -> [(symbol, next node)]; node 0 reads B, node 6 reads E.
GRAPH = {
    0: [("B", 1)],
    1: [("T", 2), ("P", 3)],
    2: [("S", 2), ("X", 4)],
    3: [("T", 3), ("V", 5)],
    4: [("X", 3), ("S", 6)],
    5: [("P", 4), ("V", 6)],
    6: [("E", None)],
}


def reber_string(rng: np.random.Generator) -> str:
    """One string of the Reber grammar, e.g. ``BTSSXXTVVE``."""
    _require_rng(rng)
    node, out = 0, []
    while node is not None:
        choices = GRAPH[node]
        symbol, node = choices[int(rng.integers(len(choices)))]
        out.append(symbol)
    return "".join(out)


def embedded_reber_string(rng: np.random.Generator) -> str:
    """``B T <Reber> T E`` or ``B P <Reber> P E``, each with probability 1/2."""
    _require_rng(rng)
    branch = "TP"[int(rng.integers(2))]
    return "B" + branch + reber_string(rng) + branch + "E"


def _reber_next(string: str) -> list[str]:
    """For each symbol of a Reber string, the symbols that may follow it
    ("" after the final E)."""
    node, nexts = 0, []
    for symbol in string:
        node = dict(GRAPH[node]).get(symbol, -1)
        if node == -1:
            raise ValueError(f"{string!r} is not a Reber string (at "
                             f"{symbol!r})")
        nexts.append("".join(s for s, _ in GRAPH[node]) if node is not None
                     else "")
    return nexts


def next_symbols(string: str, continual: bool = False) -> list[str]:
    """For each symbol of an embedded Reber string, the symbols that may
    come next; after the final E, "B" in a continual stream, else ""."""
    if len(string) < 9 or string[0] != "B" or string[-1] != "E" \
            or string[1] not in "TP" or string[-2] != string[1]:
        raise ValueError(f"{string!r} is not an embedded Reber string "
                         "(B, T or P, a Reber string, the same T or P, E)")
    inner = _reber_next(string[2:-2])
    return ["TP", "B", *inner[:-1], string[1], "E", "B" if continual else ""]


def one_hot(string: str) -> np.ndarray:
    """(len, 7) float32."""
    out = np.zeros((len(string), len(SYMBOLS)), np.float32)
    out[np.arange(len(string)), [INDEX[s] for s in string]] = 1.0
    return out


def multi_hot(sets: list[str]) -> np.ndarray:
    """(len, 7) float32: 1 for every symbol that may come next."""
    out = np.zeros((len(sets), len(SYMBOLS)), np.float32)
    for t, allowed in enumerate(sets):
        out[t, [INDEX[s] for s in allowed]] = 1.0
    return out


def embedded_reber(rng: np.random.Generator, n_strings: int):
    """Padded batch for next-symbol prediction.

    Returns:
        ``(inputs, targets, mask)``: float32 (N, T_max, 7) one-hot symbols,
        float32 (N, T_max, 7) the possible next symbols, and bool
        (N, T_max), False on padding and on each final E (nothing follows).
    """
    _require_int("n_strings", n_strings, 1)
    return strings_batch([embedded_reber_string(rng)
                          for _ in range(n_strings)])


def strings_batch(strings: list[str]):
    """``(inputs, targets, mask)`` of :func:`embedded_reber` for these
    strings."""
    n_strings = len(strings)
    longest = max(map(len, strings))
    inputs = np.zeros((n_strings, longest, len(SYMBOLS)), np.float32)
    targets = np.zeros_like(inputs)
    mask = np.zeros((n_strings, longest), bool)
    for k, string in enumerate(strings):
        inputs[k, :len(string)] = one_hot(string)
        targets[k, :len(string)] = multi_hot(next_symbols(string))
        mask[k, :len(string) - 1] = True
    return inputs, targets, mask


def cerg_stream(rng: np.random.Generator, n_strings: int):
    """A continual stream of ``n_strings`` embedded Reber strings.

    Returns:
        ``(inputs, targets, starts)``: float32 (T, 7) one-hot symbols,
        float32 (T, 7) the possible next symbols (after each final E the
        next string's B), and the int index where each string starts.
    """
    _require_int("n_strings", n_strings, 1)
    strings = [embedded_reber_string(rng) for _ in range(n_strings)]
    starts = np.cumsum([0] + [len(s) for s in strings[:-1]])
    stream = "".join(strings)
    sets = [s for string in strings for s in next_symbols(string, True)]
    return one_hot(stream), multi_hot(sets), starts


def cerg_batch(rng: np.random.Generator, n_sequences: int,
               strings_per_sequence: int):
    """Padded batch of continual streams (Gers et al. 2000), for training:
    each sequence ``strings_per_sequence`` strings in a row, no reset
    between them.

    Returns:
        ``(inputs, targets, mask)`` as :func:`embedded_reber`; the mask is
        False on padding and on each sequence's last step (the string that
        would follow is not in the sequence).
    """
    _require_int("n_sequences", n_sequences, 1)
    _require_int("strings_per_sequence", strings_per_sequence, 1)
    streams = [cerg_stream(rng, strings_per_sequence)
               for _ in range(n_sequences)]
    longest = max(len(inputs) for inputs, _, _ in streams)
    inputs = np.zeros((n_sequences, longest, len(SYMBOLS)), np.float32)
    targets = np.zeros_like(inputs)
    mask = np.zeros((n_sequences, longest), bool)
    for k, (x, y, _) in enumerate(streams):
        inputs[k, :len(x)], targets[k, :len(x)] = x, y
        mask[k, :len(x) - 1] = True
    return inputs, targets, mask


def strings_right(outputs: np.ndarray, targets: np.ndarray, starts,
                  reset: bool = False) -> np.ndarray:
    """Bool per string of a stream: predicted perfectly
    (:func:`predicted_perfectly`) by ``outputs`` (T, 7). With ``reset``
    (a network that starts every string afresh) a string's last step is not
    judged: its target, the next string's B, is not in the string."""
    bounds = [*starts, len(outputs)]
    return np.array([predicted_perfectly(outputs[a:b - reset],
                                         targets[a:b - reset])
                     for a, b in zip(bounds[:-1], bounds[1:])])


@functools.cache
def _embedded_automaton():
    """The embedded grammar as one automaton: per node, its (symbol, next
    node) choices. Nodes: 0 reads B, 1 reads the branch T or P, then the
    Reber graph for branch T (2-8) and for P (9-15), the branch symbol
    again (16 for T, 17 for P), the final E (18); 19 is the end."""
    edges = {0: [("B", 1)], 1: [("T", 2), ("P", 9)], 18: [("E", 19)]}
    for first, tail, branch in ((2, 16, "T"), (9, 17, "P")):
        for node, choices in GRAPH.items():
            edges[first + node] = [(symbol, tail if after is None
                                    else first + after)
                                   for symbol, after in choices]
        edges[tail] = [(branch, 18)]
    symbol = np.zeros((20, 2), np.int64)
    after = np.zeros((20, 2), np.int64)
    two = np.zeros(20, bool)
    allowed = np.zeros(20, np.int64)  # bit i: symbol i may be read here
    for node, choices in edges.items():
        two[node] = len(choices) == 2
        for j, (name, target) in enumerate(choices * (2 // len(choices))):
            symbol[node, j], after[node, j] = INDEX[name], target
        allowed[node] = sum(1 << INDEX[name] for name, _ in choices)
    allowed[19] = 1 << INDEX["B"]  # a continual stream: the next string
    return symbol, after, two, allowed


def cerg_arrays(rng: np.random.Generator, n_strings: int):
    """A continual stream like :func:`cerg_stream`'s (its own random draws),
    as arrays, all strings drawn at once (fast enough to feed millions of
    symbols): int32 symbols, int32 masks
    of the symbols that may come next (bit i for symbol i), and bool string
    starts. Each branch is taken with probability 1/2."""
    _require_int("n_strings", n_strings, 1)
    symbol, after, two, allowed = _embedded_automaton()
    node = np.zeros(n_strings, np.int64)
    read, masks = [], []
    while (node != 19).any():
        live = node != 19
        pick = np.where(two[node], rng.integers(0, 2, n_strings), 0)
        read.append(np.where(live, symbol[node, pick], -1))
        node = np.where(live, after[node, pick], 19)
        masks.append(allowed[node])
    read, masks = np.stack(read, 1), np.stack(masks, 1)
    keep = read >= 0  # row-major: string after string
    starts = np.zeros_like(keep)
    starts[:, 0] = True
    return (read[keep].astype(np.int32), masks[keep].astype(np.int32),
            starts[keep])


def predicted_perfectly(outputs: np.ndarray, targets: np.ndarray) -> bool:
    """The paper's criterion: at every step, the allowed next symbols are
    exactly the most active outputs (as many of them as are allowed)."""
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    for out, allowed in zip(outputs.reshape(-1, 7), targets.reshape(-1, 7),
                            strict=True):
        k = int(allowed.sum())
        if k and set(np.argsort(out)[-k:]) != set(np.flatnonzero(allowed)):
            return False
    return True


def embedded_reber_sets(rng: np.random.Generator, size: int = 256):
    """Experiment 1's data: a training set of ``size`` random embedded
    Reber strings and a test set of ``size`` strings none of which is in
    the training set (the paper, after Fahlman: 256 and 256). Returns two
    lists of strings."""
    _require_int("size", size, 1)
    train = [embedded_reber_string(rng) for _ in range(size)]
    seen, test = set(train), []
    while len(test) < size:
        string = embedded_reber_string(rng)
        if string not in seen:
            test.append(string)
    return train, test
