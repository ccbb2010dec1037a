"""Chapter 04's registry entries: a right answer earns everything, the
usual mistakes lose the sub-check that names them."""

import numpy as np

from lstm_course.exercises import evaluate, get


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def distractor_sequence(second, distractors, p):
    symbols = np.concatenate([[p + 1, p + 2 + second], distractors, [p]])
    return symbols, np.eye(2)[second]


def adding_targets(pairs):
    values, markers = pairs[..., 0], pairs[..., 1]
    return 0.5 + np.where(markers == 1.0, values, 0.0).sum(axis=1) / 4


def end_error_below(outputs, targets, lengths, tolerance):
    rows = np.arange(len(lengths))
    error = np.abs(outputs[rows, lengths - 1] - targets[rows, lengths - 1])
    return (error < tolerance).all(axis=-1)


def symbols_right(outputs, targets, mask):
    allowed = targets == 1
    lowest_allowed = np.where(allowed, outputs, np.inf).min(-1)
    highest_other = np.where(allowed, -np.inf, outputs).max(-1)
    return ((lowest_allowed > highest_other) | ~mask).all(axis=1)


def sequences_to_solve(seen, test_share, required):
    hits = np.flatnonzero(test_share >= required)
    return seen[hits[0]] if len(hits) else -1


def test_right_answers_earn_every_point():
    for fn in (distractor_sequence, adding_targets, end_error_below,
               symbols_right, sequences_to_solve):
        result = evaluate(get(f"ch04.{fn.__name__}"), fn)
        assert result.score == result.max_score, failed(result)


def test_distractor_codes_from_the_number_of_distractors():
    def p_is_count(second, distractors, p):
        return distractor_sequence(second, distractors, len(distractors))

    assert failed(evaluate(get("ch04.distractor_sequence"), p_is_count)) == [
        "y, fewer distractors than symbols"]


def test_adding_with_the_minus_one_markers():
    def any_marker(pairs):
        return 0.5 + (pairs[..., 0] * (pairs[..., 1] != 0)).sum(1) / 4

    assert evaluate(get("ch04.adding_targets"), any_marker).score == 0


def test_end_error_at_the_padded_batchs_last_column():
    def last_column(outputs, targets, lengths, tolerance):
        return (np.abs(outputs[:, -1] - targets[:, -1]) < tolerance).all(-1)

    assert failed(evaluate(get("ch04.end_error_below"), last_column)) == [
        "padded sequences"]


def test_symbols_right_counting_padding():
    def with_padding(outputs, targets, mask):
        return symbols_right(outputs, targets, np.zeros_like(mask))

    result = evaluate(get("ch04.symbols_right"), with_padding)
    assert result.score < result.max_score


def test_sequences_to_solve_mistakes():
    def last_hit(seen, test_share, required):
        hits = np.flatnonzero(test_share >= required)
        return seen[hits[-1]] if len(hits) else -1

    def none_for_never(seen, test_share, required):
        hits = np.flatnonzero(test_share >= required)
        return seen[hits[0]] if len(hits) else 0

    assert failed(evaluate(get("ch04.sequences_to_solve"), last_hit)) == [
        "solved", "solved at once"]
    assert failed(evaluate(get("ch04.sequences_to_solve"),
                           none_for_never)) == ["never solved"]
