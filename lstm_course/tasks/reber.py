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


def predicted_perfectly(outputs: np.ndarray, targets: np.ndarray) -> bool:
    """The paper's criterion: at every step, the allowed next symbols are
    exactly the most active outputs (as many of them as are allowed)."""
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    for out, allowed in zip(outputs.reshape(-1, 7), targets.reshape(-1, 7)):
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
