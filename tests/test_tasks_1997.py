"""The generators and success criteria of the 1997 experiments (chapter 04)."""

import re

import numpy as np
import pytest

from lstm_course.tasks import criteria, long_lag, marked_pairs, noise_signal
from lstm_course.tasks.sequences import Sequences, at_ends, one_hot
from lstm_course.tasks.temporal_order import (INDEX, KEY_POSITIONS, SYMBOLS,
                                              temporal_order)

GENERATORS = {
    "2a": lambda rng: long_lag.noise_free_long_lag(rng, 40, 10),
    "2b": lambda rng: long_lag.random_middle_long_lag(rng, 40, 10),
    "2c": lambda rng: long_lag.distractor_long_lag(rng, 40, 20),
    "3a": lambda rng: noise_signal.noise_and_signal(rng, 40, 50, 3),
    "4": lambda rng: marked_pairs.adding_1997(rng, 40, 50),
    "5": lambda rng: marked_pairs.multiplication_1997(rng, 40, 50),
    "6a": lambda rng: temporal_order(rng, 40, 2),
    "6b": lambda rng: temporal_order(rng, 40, 3),
}
CRITERIA = {
    "2a": criteria.symbols_right,
    "2b": criteria.final_symbol_right,
    "2c": lambda out, b: criteria.end_error_below(out, b, 0.2),
    "3a": lambda out, b: criteria.end_error_below(out, b, 0.2),
    "4": lambda out, b: criteria.end_error_below(out, b, 0.04),
    "5": lambda out, b: criteria.end_error_below(out, b, 0.04),
    "6a": lambda out, b: criteria.end_error_below(out, b, 0.3),
    "6b": lambda out, b: criteria.end_error_below(out, b, 0.3),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_batches_are_consistent_and_seeded(name):
    batch = GENERATORS[name](np.random.default_rng(5))
    again = GENERATORS[name](np.random.default_rng(5))
    other = GENERATORS[name](np.random.default_rng(6))
    for a, b in zip(batch, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(batch.inputs, other.inputs)
    n, width = batch.mask.shape
    assert batch.inputs.shape[:2] == (n, width) == batch.targets.shape[:2]
    assert batch.lengths.max() == width
    steps = np.arange(width)[None, :]
    # Targets only where the mask says, and never after a sequence's end.
    assert not batch.mask[steps >= batch.lengths[:, None]].any()
    assert not batch.targets[~batch.mask].any()
    if batch.symbols:
        assert batch.inputs.dtype == np.int32
        assert (batch.inputs[steps >= batch.lengths[:, None]] == -1).all()
        assert (batch.inputs[steps < batch.lengths[:, None]] >= 0).all()
        assert batch.inputs.max() < batch.symbols
        dense = batch.dense_inputs()
        assert dense.shape == (n, width, batch.symbols)
        np.testing.assert_array_equal(dense.sum(-1),
                                      steps < batch.lengths[:, None])
    else:
        assert batch.inputs.dtype == np.float32
        assert not batch.inputs[steps >= batch.lengths[:, None]].any()


@pytest.mark.parametrize("name", GENERATORS)
def test_criterion_accepts_the_answer_and_rejects_a_wrong_one(name):
    batch = GENERATORS[name](np.random.default_rng(1))
    criterion = CRITERIA[name]
    assert criterion(batch.targets, batch).all()
    wrong = batch.targets.copy()
    ends = batch.lengths - 1
    # Flip the answer of sequence 0 at its end (a class, symbol or value).
    wrong[0, ends[0]] = np.where(wrong[0, ends[0]] > 0.5, 0.0, 1.0)
    right = criterion(wrong, batch)
    assert not right[0] and right[1:].all()
    with pytest.raises(ValueError, match="shape"):
        criterion(batch.targets[:, :-1], batch)


def test_noise_free_long_lag_is_the_papers_two_sequences():
    batch = long_lag.noise_free_long_lag(np.random.default_rng(0), 50, 6)
    x, y = 5, 6
    assert batch.symbols == 7 and batch.inputs.shape == (50, 6)
    assert set(batch.inputs[:, 0]) == {x, y}
    np.testing.assert_array_equal(batch.inputs[:, 1:], [[0, 1, 2, 3, 4]] * 50)
    # Next-symbol targets: a_1 .. a_{p-1}, then the first symbol again.
    targets = batch.targets.argmax(-1)
    np.testing.assert_array_equal(targets[:, :-1], [[0, 1, 2, 3, 4]] * 50)
    np.testing.assert_array_equal(targets[:, -1], batch.inputs[:, 0])


def test_random_middle_long_lag_has_no_regularities_but_the_ends():
    batch = long_lag.random_middle_long_lag(np.random.default_rng(0), 2000, 5)
    middle = batch.inputs[:, 1:]
    assert middle.max() == 3 and middle.min() == 0
    # Every middle symbol about equally often at every place.
    counts = np.stack([(middle == k).mean(0) for k in range(4)])
    assert np.allclose(counts, 0.25, atol=0.05)
    np.testing.assert_array_equal(batch.targets[:, -1].argmax(-1),
                                  batch.inputs[:, 0])


def test_distractor_long_lag_follows_the_papers_recipe():
    q = 30
    batch = long_lag.distractor_long_lag(np.random.default_rng(2), 4000, q)
    e, b, x = q, q + 1, q + 2
    rows = np.arange(4000)
    ends = batch.lengths - 1
    assert (batch.inputs[:, 0] == b).all()
    assert set(batch.inputs[:, 1]) == {x, x + 1}
    assert (batch.inputs[rows, ends] == e).all()
    # Between the second element and e: only distractors, at least q.
    assert batch.lengths.min() >= q + 3
    for k in range(200):
        assert (batch.inputs[k, 2:ends[k]] < q).all()
    # 9/10 chance of one more distractor at each step: mean k = 9.
    assert abs((batch.lengths - q - 3).mean() - 9) < 0.5
    answer = batch.targets[rows, ends].argmax(-1)
    np.testing.assert_array_equal(answer, batch.inputs[:, 1] - x)
    assert (batch.mask.sum(1) == 1).all()
    np.testing.assert_array_equal(batch.targets[rows, ends].sum(-1), 1.0)
    assert batch.targets.dtype == np.float32 and batch.symbols == q + 4
    distractors = batch.inputs[:, 2:q + 2]  # every sequence has q of them
    assert set(np.unique(distractors)) == set(range(q))


def test_noise_and_signal_classes_and_noise():
    batch = noise_signal.noise_and_signal(np.random.default_rng(3), 3000, 100,
                                          3)
    assert batch.lengths.min() >= 100 and batch.lengths.max() <= 110
    first = batch.inputs[:, :3, 0]
    assert set(np.unique(first)) == {-1.0, 1.0}
    assert (first == first[:, :1]).all()
    answer = at_ends(batch.targets, batch.lengths)[:, 0]
    np.testing.assert_array_equal(answer, first[:, 0] > 0)
    steps = np.arange(batch.mask.shape[1])[None, :]
    noise = batch.inputs[(steps >= 3) & (steps < batch.lengths[:, None]), 0]
    assert abs(noise.mean()) < 0.01 and abs(noise.var() - 0.2) < 0.01
    assert 0.45 < (first[:, 0] > 0).mean() < 0.55  # the classes equally often
    assert batch.targets.dtype == np.float32
    assert batch.targets.shape == (3000, batch.lengths.max(), 1)


def test_noisy_signal_is_the_class_plus_the_noise():
    """3b: the first N elements are +-1 plus the same noise as the rest."""
    batch = noise_signal.noise_and_signal(np.random.default_rng(3), 3000, 100,
                                          3, noisy_signal=True)
    answer = at_ends(batch.targets, batch.lengths)[:, 0]
    signs = np.where(answer > 0.5, 1.0, -1.0)[:, None]
    noise = batch.inputs[:, :3, 0] - signs
    assert abs(noise.mean()) < 0.02 and abs(noise.var() - 0.2) < 0.02


@pytest.mark.parametrize("make, low", [(marked_pairs.adding_1997, -1.0),
                                       (marked_pairs.multiplication_1997, 0)])
def test_marked_pairs_obey_the_marker_rules(make, low):
    length = 40
    batch = make(np.random.default_rng(4), 5000, length)
    values, markers = batch.inputs[..., 0], batch.inputs[..., 1]
    rows = np.arange(5000)
    ends = batch.lengths - 1
    assert batch.lengths.min() >= length and batch.lengths.max() <= 44
    assert ((markers == 1).sum(1) == 2).all()
    first = (markers == 1).argmax(1)
    second = length - 1 - (markers[:, ::-1] == 1)[:, -length:].argmax(1)
    assert (first < 10).all() and (second < length // 2 - 1).all()
    assert first.max() == 9 and second.max() == length // 2 - 2
    # step 0 is marked with probability 1/10 + 9/10 x 1/18 = 0.15 (by the
    # first marker, uniform over 10 pairs, or by the second, over 18 others)
    assert 650 < (markers[:, 0] == 1).sum() < 850
    # -1 at the first and last pair unless the first is marked.
    assert (markers[rows, ends] == -1).all()
    assert (markers[first > 0, 0] == -1).all()
    assert values.min() >= low and values.max() <= 1
    inner = values[:, 1:length - 1]  # valid, mostly unmarked: U[low, 1]
    assert inner.min() < low + 0.01 and inner.max() > 0.99
    assert abs(inner.mean() - (low + 1) / 2) < 0.01
    assert batch.targets.dtype == np.float32
    assert batch.targets.shape == (5000, batch.lengths.max(), 1)
    answer = at_ends(batch.targets, batch.lengths)[:, 0]
    x1, x2 = values[rows, first], values[rows, second]
    if make is marked_pairs.adding_1997:
        assert (values[first == 0, 0] == 0).all()
        np.testing.assert_allclose(answer, 0.5 + (x1 + x2) / 4, atol=1e-6)
    else:
        # X1 := 1.0 when the first pair is marked: the target is X2 there
        assert (values[first == 0, 0] == 1).all()
        np.testing.assert_allclose(answer[first == 0], x2[first == 0],
                                   atol=1e-6)
        np.testing.assert_allclose(answer, x1 * x2, atol=1e-6)


@pytest.mark.parametrize("relevant", [2, 3])
def test_temporal_order_key_symbols_and_classes(relevant):
    batch = temporal_order(np.random.default_rng(5), 3000, relevant)
    rows = np.arange(3000)
    ends = batch.lengths - 1
    assert batch.lengths.min() == 100 and batch.lengths.max() == 110
    assert (batch.inputs[:, 0] == INDEX["E"]).all()
    assert (batch.inputs[rows, ends] == INDEX["B"]).all()
    keys = batch.inputs >= INDEX["X"]
    keys[:, 0] = False
    keys[rows, ends] = False
    assert (keys.sum(1) == relevant).all()
    positions = np.sort(np.nonzero(keys)[1].reshape(3000, relevant), axis=1)
    for k, (low, high) in enumerate(KEY_POSITIONS[relevant]):
        assert positions[:, k].min() == low and positions[:, k].max() == high
    bits = batch.inputs[rows[:, None], positions] - INDEX["X"]
    expected = bits @ (2 ** np.arange(relevant)[::-1])
    np.testing.assert_array_equal(batch.targets[rows, ends].argmax(-1),
                                  expected)
    assert len(np.unique(expected)) == 2 ** relevant
    assert batch.targets.shape == (3000, 110, 2 ** relevant)
    assert batch.targets.dtype == np.float32 and batch.symbols == 8
    valid = np.arange(110)[None, :] < batch.lengths[:, None]
    distractors = batch.inputs[valid & ~keys & (batch.inputs < INDEX["X"])]
    assert set(np.unique(distractors)) == {0, 1, 2, 3}  # a, b, c, d
    assert 0.48 < bits.mean() < 0.52  # X and Y equally often
    string = "".join(SYMBOLS[s] for s in batch.inputs[0, :batch.lengths[0]])
    assert string[0] == "E" and string[-1] == "B"


def test_temporal_order_is_6a_by_default():
    batch = temporal_order(np.random.default_rng(5), 3)
    assert batch.targets.shape[-1] == 4


def test_symbols_right_uses_the_k_most_active_outputs():
    targets = np.zeros((1, 2, 3), np.float32)
    targets[0, 0, [0, 2]] = 1  # two symbols allowed
    targets[0, 1, 1] = 1
    batch = Sequences(np.zeros((1, 2), np.int32), targets,
                      np.ones((1, 2), bool), np.array([2]), 3)
    good = np.array([[[0.6, 0.1, 0.5], [0.2, 0.9, 0.3]]])
    bad = np.array([[[0.6, 0.55, 0.5], [0.2, 0.9, 0.3]]])
    assert criteria.symbols_right(good, batch).tolist() == [True]
    assert criteria.symbols_right(bad, batch).tolist() == [False]
    tie = np.array([[[0.6, 0.5, 0.5], [0.2, 0.9, 0.3]]])  # c ties with b
    assert criteria.symbols_right(tie, batch).tolist() == [False]


NOISE_FREE = " (the sequence is x|y, a_1..a_{p-1}, x|y)"
RANDOM_MIDDLE = " (the sequence is x|y, p - 1 symbols, x|y)"
SECOND_MARKER = " (the second marker goes among the first T/2 - 1 steps)"


@pytest.mark.parametrize("call, message", [
    (lambda r: long_lag.noise_free_long_lag(r, 0, 5),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: long_lag.noise_free_long_lag(r, 5, 1),
     f"p must be an integer >= 2{NOISE_FREE}, got 1"),
    (lambda r: long_lag.random_middle_long_lag(r, 0, 5),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: long_lag.random_middle_long_lag(r, 5, 1),
     f"p must be an integer >= 2{RANDOM_MIDDLE}, got 1"),
    (lambda r: long_lag.distractor_long_lag(r, 0, 10),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: long_lag.distractor_long_lag(r, 5, 0),
     "q must be an integer >= 1, got 0"),
    (lambda r: long_lag.distractor_long_lag(r, 5, 10, p=0),
     "p must be an integer >= 1 (the number of distractor symbols), got 0"),
    (lambda r: noise_signal.noise_and_signal(r, 0, 10, 3),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: noise_signal.noise_and_signal(r, 5, 1, 1),
     "length must be an integer >= 2, got 1"),
    (lambda r: noise_signal.noise_and_signal(r, 5, 10, 10),
     "signal must be below length = 10 (the first N of T elements carry "
     "the class), got 10"),
    (lambda r: noise_signal.noise_and_signal(r, 5, 10, 0),
     "signal must be an integer >= 1 and below length = 10, got 0"),
    (lambda r: marked_pairs.adding_1997(r, 0, 10),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: marked_pairs.adding_1997(r, 5, 5),
     f"length must be an integer >= 6{SECOND_MARKER}, got 5"),
    (lambda r: marked_pairs.multiplication_1997(r, 5, 2.5),
     f"length must be an integer >= 6{SECOND_MARKER}, got 2.5"),
    (lambda r: temporal_order(r, 0, 2),
     "n_sequences must be an integer >= 1, got 0"),
    (lambda r: temporal_order(r, 5, 4),
     "relevant must be 2 (experiment 6a) or 3 (6b), got 4"),
])
def test_impossible_arguments_say_what_is_expected(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call(np.random.default_rng(0))


@pytest.mark.parametrize("call", [
    lambda r: long_lag.noise_free_long_lag(r, 1, 2),
    lambda r: long_lag.random_middle_long_lag(r, 1, 2),
    lambda r: long_lag.distractor_long_lag(r, 1, 1, p=1),
    lambda r: noise_signal.noise_and_signal(r, 1, 2, 1),
    lambda r: marked_pairs.adding_1997(r, 1, 6),
    lambda r: marked_pairs.multiplication_1997(r, 1, 6),
    lambda r: temporal_order(r, 1, 3),
])
def test_the_smallest_arguments_are_accepted(call):
    batch = call(np.random.default_rng(0))
    assert len(batch.lengths) == 1 and batch.mask.any()


@pytest.mark.parametrize("length", [6, 7, 8])
def test_every_pair_of_marked_steps_is_drawn_and_no_other(length):
    """The first marker among the first min(10, T - 1) steps, the second
    among the first T // 2 - 1, never the same: in short sequences, where
    the two ranges overlap most, every such pair occurs."""
    batch = marked_pairs.adding_1997(np.random.default_rng(6), 6000, length)
    steps = np.argwhere(batch.inputs[..., 1] == 1)[:, 1].reshape(-1, 2)
    allowed = {tuple(sorted((a, b))) for a in range(min(10, length - 1))
               for b in range(length // 2 - 1) if a != b}
    assert {tuple(pair) for pair in steps} == allowed


@pytest.mark.parametrize("make", [marked_pairs.adding_1997,
                                  marked_pairs.multiplication_1997])
def test_short_marked_pairs_keep_their_end_marker(make):
    """At T = 6 the first marker's 10 places would reach past the end: it
    stays before the last step, which keeps its -1."""
    batch = make(np.random.default_rng(1), 2000, 6)
    markers = batch.inputs[..., 1]
    ends = batch.lengths - 1
    assert np.all(markers[np.arange(2000), ends] == -1.0)
    assert np.all((markers == 1.0).sum(1) == 2)
    assert set(np.flatnonzero((markers == 1.0).any(0))) == set(range(5))


def test_generators_want_a_numpy_generator():
    with pytest.raises(TypeError, match="default_rng"):
        long_lag.distractor_long_lag(0, 5, 10)


def test_criteria_reject_non_finite_outputs_and_bad_tolerance():
    batch = GENERATORS["4"](np.random.default_rng(0))
    with pytest.raises(ValueError, match="NaN"):
        criteria.end_error_below(np.full(batch.targets.shape, np.nan), batch,
                                 0.04)
    with pytest.raises(ValueError, match="tolerance"):
        criteria.end_error_below(batch.targets, batch, 0)


def test_one_hot_leaves_padding_empty():
    coded = one_hot(np.array([[1, -1]]), 3)
    np.testing.assert_array_equal(coded, [[[0, 1, 0], [0, 0, 0]]])
    assert coded.dtype == np.float32


def test_at_ends_reads_each_sequences_last_step():
    array = np.arange(12).reshape(3, 4)  # (N, T): a scalar per step
    assert at_ends(array, np.array([1, 4, 2])).tolist() == [0, 7, 9]
    for bad in (np.arange(3), np.zeros((2, 4))):
        with pytest.raises(ValueError) as error:
            at_ends(bad, np.array([1, 4, 2]))
        assert str(error.value) == (
            "expected an (N, T, ...) array with N = 3 sequences, got shape "
            f"{bad.shape}")


def test_lengths_run_from_t_to_t_plus_a_tenth():
    rng = np.random.default_rng(0)
    assert set(noise_signal.random_lengths(rng, 2000, 110)) == set(
        range(110, 122))
    assert set(noise_signal.random_lengths(rng, 200, 15)) == {15, 16}


def test_dense_inputs_one_hot_code_symbols_and_pass_real_values():
    real = np.arange(6, dtype=np.float32).reshape(1, 3, 2)
    ones = np.ones((1, 3))
    batch = Sequences(real, ones[..., None], ones > 0, np.array([3]))
    assert batch.dense_inputs() is real
    coded = Sequences(np.array([[2, 0, -1]], np.int32), ones[..., None],
                      ones > 0, np.array([2]), symbols=3)
    np.testing.assert_array_equal(coded.dense_inputs(), [[[0, 0, 1],
                                                          [1, 0, 0],
                                                          [0, 0, 0]]])


def test_every_output_must_be_within_tolerance_at_the_end():
    """One output right is not enough (6b has 8); the tolerance is strict
    and is the paper's (experiment 4: 0.04)."""
    from lstm_course.reproduce.paper import ROWS

    targets = np.zeros((3, 2, 2), np.float32)
    targets[:, -1] = [1.0, 0.0]
    batch = Sequences(np.zeros((3, 2, 1), np.float32), targets,
                      np.array([[False, True]] * 3), np.array([2, 2, 2]))
    outputs = targets.copy()
    outputs[1, -1, 1] = 0.5  # the second output wrong
    outputs[2, -1] = [0.85, 0.15]  # both off by 0.15
    assert criteria.end_error_below(outputs, batch, 0.2).tolist() == \
        [True, False, True]
    assert criteria.end_error_below(outputs, batch, 0.1).tolist() == \
        [True, False, False]
    adding = Sequences(np.zeros((2, 1, 2), np.float32),
                       np.full((2, 1, 1), 0.5, np.float32),
                       np.ones((2, 1), bool), np.array([1, 1]))
    near = np.array([[[0.5 + 0.039]], [[0.5 - 0.041]]])
    assert ROWS["4-T100"].right(near, adding).tolist() == [True, False]


def test_end_error_is_strictly_below_the_tolerance():
    """Binary fractions: an error of exactly the tolerance is not right."""
    batch = Sequences(np.zeros((2, 1, 1)), np.zeros((2, 1, 2)),
                      np.ones((2, 1), bool), np.array([1, 1]))
    outputs = np.array([[[0.25, 0.0]], [[0.125, 0.0]]])
    assert criteria.end_error_below(outputs, batch, 0.25).tolist() == [
        False, True]
    for bad in (0.0, np.inf):
        with pytest.raises(ValueError) as error:
            criteria.end_error_below(outputs, batch, bad)
        assert str(error.value) == (
            f"tolerance must be a positive number, got {bad!r}")
    with pytest.raises(ValueError) as error:
        criteria.end_error_below(outputs[:, :, :1], batch, 0.25)
    assert str(error.value) == ("outputs must have the targets' shape "
                                "(2, 1, 2), got (2, 1, 1)")
    with pytest.raises(ValueError) as error:
        criteria.end_error_below(outputs * np.nan, batch, 0.25)
    assert str(error.value) == "outputs contain NaN or inf"


def test_clean_targets_read_the_class_off_the_first_element():
    """3c's noise-free targets: 0.2 for class 1 (+1 first), 0.8 for class 2,
    with a single signal element (N = 1)."""
    batch = noise_signal.noise_and_signal(np.random.default_rng(2), 500, 20, 1)
    first = batch.inputs[:, 0, 0]
    np.testing.assert_array_equal(noise_signal.clean_targets(batch),
                                  np.where(first > 0, 0.2, 0.8))


def test_temporal_order_targets_are_one_hot():
    batch = temporal_order(np.random.default_rng(0), 50, 3)
    ends = at_ends(batch.targets, batch.lengths)
    assert set(np.unique(ends)) == {0.0, 1.0} and (ends.sum(1) == 1).all()
