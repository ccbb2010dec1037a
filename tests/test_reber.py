import itertools
import re

import numpy as np
import pytest

from lstm_course.tasks import reber


def test_reber_strings_follow_the_grammar():
    rng = np.random.default_rng(0)
    strings = {reber.reber_string(rng) for _ in range(500)}
    assert "BTXSE" in strings and "BPVVE" in strings
    for string in strings:
        nexts = reber._reber_next(string)  # raises if off the grammar
        assert nexts[-1] == "" and string[0] == "B" and string[-1] == "E"


def test_embedded_strings_repeat_their_second_symbol():
    rng = np.random.default_rng(1)
    strings = [reber.embedded_reber_string(rng) for _ in range(400)]
    assert all(s[1] == s[-2] for s in strings)
    assert {s[1] for s in strings} == {"T", "P"}


def test_next_symbols_of_one_string():
    assert reber.next_symbols("BTBTXSETE") == [
        "TP", "B", "TP", "SX", "XS", "E", "T", "E", ""]
    assert reber.next_symbols("BPBTXSEPE", continual=True)[-3:] == [
        "P", "E", "B"]
    with pytest.raises(ValueError, match="not an embedded Reber string"):
        reber.next_symbols("BTBTXSEPE")


def test_padded_batch_and_mask():
    x, y, mask = reber.embedded_reber(np.random.default_rng(2), 50)
    lengths = x.sum(axis=(1, 2)).astype(int)
    assert np.all(mask.sum(axis=1) == lengths - 1)
    assert np.all(x.sum(axis=2)[mask] == 1)
    assert np.all(y.sum(axis=2)[mask] >= 1)
    assert reber.predicted_perfectly(y[mask], y[mask])


def test_cerg_stream_has_no_resets_and_expects_b_after_each_string():
    x, y, starts = reber.cerg_stream(np.random.default_rng(3), 20)
    assert x.shape == y.shape and len(starts) == 20
    assert np.all(x[starts, reber.INDEX["B"]] == 1)
    ends = starts[1:] - 1
    assert np.all(x[ends, reber.INDEX["E"]] == 1)
    assert np.all(y[ends] == reber.one_hot("B")[0])


def test_predicted_perfectly_wants_the_allowed_symbols_on_top():
    targets = reber.multi_hot(["TP", "B"])
    good = np.array([[0, .9, .8, 0, 0, 0, 0], [.7, 0, 0, 0, 0, 0, .1]])
    bad = np.array([[0, .9, .1, .5, 0, 0, 0], [.7, 0, 0, 0, 0, 0, .1]])
    assert reber.predicted_perfectly(good, targets)
    assert not reber.predicted_perfectly(bad, targets)


@pytest.mark.parametrize("make", [reber.embedded_reber, reber.cerg_stream,
                                  reber.cerg_arrays])
def test_bad_counts(make):
    for bad in (0, 2.5):
        with pytest.raises(ValueError, match=re.escape(
                f"n_strings must be an integer >= 1, got {bad!r}")):
            make(np.random.default_rng(0), bad)
    assert len(make(np.random.default_rng(0), 1)) == 3  # the smallest
    with pytest.raises(TypeError, match="Generator"):
        reber.reber_string(None)


def test_cerg_arrays_are_embedded_strings_with_their_next_symbols():
    symbols, masks, starts = reber.cerg_arrays(np.random.default_rng(3), 500)
    assert (symbols.dtype, masks.dtype, starts.dtype) == (np.int32, np.int32,
                                                          bool)
    bounds = [*np.flatnonzero(starts), len(symbols)]
    assert len(bounds) == 501
    branches = []
    for first, end in itertools.pairwise(bounds):
        string = "".join(reber.SYMBOLS[k] for k in symbols[first:end])
        allowed = reber.next_symbols(string, continual=True)  # validates it
        assert list(masks[first:end]) == [
            sum(1 << reber.INDEX[s] for s in a) for a in allowed]
        branches.append(string[1])
    assert 200 < branches.count("T") < 300
    again = reber.cerg_arrays(np.random.default_rng(3), 500)
    assert all(np.array_equal(a, b) for a, b in
               zip(again, (symbols, masks, starts)))


# The Reber grammar written once more, as a regular expression read off the
# paper's Figure 3, not from the package's table: node 4 leaves by S (end)
# or X T* V to node 5; node 5 by V (end) or P back to node 4.
_TO_5 = "XT*V"
_FROM_4 = f"(?:{_TO_5}P)*(?:S|{_TO_5}V)"
_FROM_5 = f"(?:V|P{_FROM_4})"
REBER = re.compile(f"B(?:TS*X{_FROM_4}|PT*V{_FROM_5})E")


def test_strings_follow_the_papers_grammar_on_both_branches():
    rng = np.random.default_rng(8)
    inner = [reber.reber_string(rng) for _ in range(3000)]
    assert all(REBER.fullmatch(s) for s in inner)
    assert {s[1] for s in inner} == {"T", "P"}
    assert {s[:4] for s in inner} >= {"BTSS", "BTXS", "BTXX", "BPTT",
                                      "BPVV", "BPVP", "BPTV"}
    outer = [reber.embedded_reber_string(rng) for _ in range(500)]
    assert all(s[1] == s[-2] and REBER.fullmatch(s[2:-2]) for s in outer)
    symbols, _, starts = reber.cerg_arrays(rng, 500)
    text = "".join(reber.SYMBOLS[k] for k in symbols)
    bounds = [*np.flatnonzero(starts), len(text)]
    assert all(REBER.fullmatch(text[a + 2:b - 2])
               for a, b in itertools.pairwise(bounds))


@pytest.mark.parametrize("string, message", [
    ("BTBTXSEPE", "'BTBTXSEPE' is not an embedded Reber string (B, T or P, "
     "a Reber string, the same T or P, E)"),
    ("XTBTXSETE", None), ("BTBTXSETX", None), ("BXBTXSEXE", None),
    ("BTBTXS", None),
    ("BTBTXXETE", "'BTXXE' is not a Reber string (at 'E')"),
    ("BTBQXSETE", "'BQXSE' is not a Reber string (at 'Q')"),
])
def test_a_string_off_the_grammar_is_refused_with_where(string, message):
    with pytest.raises(ValueError) as error:
        reber.next_symbols(string)
    assert str(error.value) == (message or (
        f"{string!r} is not an embedded Reber string (B, T or P, a Reber "
        "string, the same T or P, E)"))


def test_encodings_are_float32_one_hot_and_multi_hot():
    inputs, targets, mask = reber.embedded_reber(np.random.default_rng(0), 3)
    assert inputs.dtype == targets.dtype == np.float32 and mask.dtype == bool
    stream, sets, _ = reber.cerg_stream(np.random.default_rng(0), 2)
    assert stream.dtype == sets.dtype == np.float32
    assert reber.multi_hot(["TP"]).tolist() == [[0, 1, 1, 0, 0, 0, 0]]


def test_experiment_1_sets_refuse_an_empty_size():
    with pytest.raises(ValueError, match=re.escape(
            "size must be an integer >= 1, got 0")):
        reber.embedded_reber_sets(np.random.default_rng(0), 0)
    train, test = reber.embedded_reber_sets(np.random.default_rng(0), 1)
    assert len(train) == len(test) == 1 and train != test


def test_cerg_batch_pads_streams_drawn_in_order_and_masks_their_last_step():
    inputs, targets, mask = reber.cerg_batch(np.random.default_rng(5), 3, 2)
    rng = np.random.default_rng(5)
    streams = [reber.cerg_stream(rng, 2) for _ in range(3)]
    assert inputs.shape == targets.shape == (
        3, max(len(s[0]) for s in streams), 7)
    assert inputs.dtype == targets.dtype == np.float32 and mask.dtype == bool
    for k, (x, y, _) in enumerate(streams):
        np.testing.assert_array_equal(inputs[k, :len(x)], x)
        np.testing.assert_array_equal(targets[k, :len(x)], y)
        assert not inputs[k, len(x):].any() and not targets[k, len(x):].any()
        assert mask[k].sum() == len(x) - 1 and mask[k, :len(x) - 1].all()


@pytest.mark.parametrize("args, message", [
    ((0, 2), "n_sequences must be an integer >= 1, got 0"),
    ((2, 0), "strings_per_sequence must be an integer >= 1, got 0")])
def test_cerg_batch_refuses_empty_batches(args, message):
    with pytest.raises(ValueError, match=message):
        reber.cerg_batch(np.random.default_rng(0), *args)


def test_strings_right_judges_each_string_and_skips_its_last_step_on_reset():
    # Two strings of three steps, one allowed symbol at each.
    targets = np.zeros((6, 7), np.float32)
    targets[np.arange(6), [1, 2, 3, 1, 2, 0]] = 1
    outputs = targets.copy()
    np.testing.assert_array_equal(
        reber.strings_right(outputs, targets, [0, 3]), [True, True])
    outputs[1] = np.roll(targets[1], 1)  # string 1 wrong inside
    outputs[5] = np.roll(targets[5], 1)  # string 2 wrong at its last step
    np.testing.assert_array_equal(
        reber.strings_right(outputs, targets, [0, 3]), [False, False])
    np.testing.assert_array_equal(
        reber.strings_right(outputs, targets, [0, 3], reset=True),
        [False, True])


def test_outputs_and_targets_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="zip"):
        reber.predicted_perfectly(np.zeros((3, 7)), np.zeros((2, 7)))
