"""The batch format of the 1997 experiments (chapter 04): padded sequences
of different lengths, the steps that carry a target, and the outputs at
each sequence's end.

Sequences are padded with zeros *after* their end. A recurrent network
reads left to right, so its outputs at a sequence's own steps never see the
padding: train with ``return_sequences=True`` and ``sample_weight=mask``, and
read answers with :func:`at_ends`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Sequences(NamedTuple):
    """A batch of one experiment.

    inputs: float32 (N, T_max, D), zero after each end; or, for tasks of
        ``symbols`` > 0 one-hot coded symbols, int32 (N, T_max) symbol
        indices, -1 after each end (the one-hot vectors of experiment 2c at
        q = 1000 would take 4 GB per 1,000 sequences; see :func:`one_hot`).
    targets: float32 (N, T_max, K).
    mask: bool (N, T_max), True where a target counts.
    lengths: int (N,).
    symbols: the size of the one-hot input code, 0 for real-valued inputs.
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    lengths: np.ndarray
    symbols: int = 0

    def dense_inputs(self) -> np.ndarray:
        """float32 (N, T_max, D): the inputs as the network sees them."""
        return one_hot(self.inputs, self.symbols) if self.symbols \
            else self.inputs


def one_hot(indices: np.ndarray, depth: int) -> np.ndarray:
    """float32 ``indices.shape + (depth,)``: 1 at each index (the paper's
    local coding); all zeros where the index is -1 (padding)."""
    indices = np.asarray(indices)
    out = np.zeros((*indices.shape, depth), np.float32)
    rows = indices >= 0
    out[rows, indices[rows]] = 1.0
    return out


def end_mask(lengths: np.ndarray, width: int) -> np.ndarray:
    """bool (N, width): True at each sequence's last step only."""
    mask = np.zeros((len(lengths), width), bool)
    mask[np.arange(len(lengths)), np.asarray(lengths) - 1] = True
    return mask


def valid_steps(lengths: np.ndarray, width: int) -> np.ndarray:
    """bool (N, width): True on each sequence's own steps."""
    return np.arange(width)[None, :] < np.asarray(lengths)[:, None]


def at_ends(array: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``array[n, lengths[n] - 1]`` for every n: (N, ...) from (N, T, ...)."""
    array = np.asarray(array)
    lengths = np.asarray(lengths)
    if array.ndim < 2 or len(array) != len(lengths):
        raise ValueError(f"expected an (N, T, ...) array with N = "
                         f"{len(lengths)} sequences, got shape {array.shape}")
    return array[np.arange(len(lengths)), lengths - 1]
