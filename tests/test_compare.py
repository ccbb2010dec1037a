"""The grader's comparison, message by message: what a student reads when
an answer is off, and where the tolerance's edge lies (each entry within
atol + rtol * |expected|, the edge itself included)."""

import numpy as np
import pytest

from lstm_course.exercises.compare import compare, describe_inputs


def test_describe_inputs_gives_shapes_and_scalar_values():
    inputs = {"x_t": np.zeros((4, 3)), "h_prev": np.zeros((4, 5)),
              "lr": 0.5, "steps": np.int64(20)}
    assert describe_inputs(inputs) == ("x_t (4, 3), h_prev (4, 5), "
                                       "lr=0.5, steps=20")
    assert describe_inputs({}) == ""


def test_a_shape_mismatch_names_both_shapes():
    assert compare("h", np.zeros((2, 3)), np.zeros((3, 2)), 1e-6, 0.0) == (
        "h: expected shape (2, 3), got (3, 2)")


def test_non_finite_entries_give_the_first_and_their_count():
    got = np.array([[0.0, 1.0], [np.inf, np.nan]])
    assert compare("c", np.zeros((2, 2)), got, 1e-6, 1e-8) == (
        "c: got inf at index [1, 0] (2 non-finite entries)")


def test_the_worst_entry_relative_to_its_limit_is_reported():
    """Entry 0 has the larger error, entry 2 the larger excess over its own
    limit (atol + rtol |expected|): the message points at entry 2."""
    expected = np.array([100.0, 1.0, 1.0])
    got = np.array([100.5, 1.0, 1.2])
    assert compare("y", expected, got, 1e-2, 1e-3) == (
        "y: max abs error 0.5 at index [2]: expected 1, got 1.2")


def test_a_scalar_answer_has_no_index():
    assert compare("loss", 2.0, 2.5, 1e-6, 1e-8) == (
        "loss: max abs error 0.5: expected 2, got 2.5")


@pytest.mark.parametrize("rtol, atol", [(0.0, 0.25), (0.125, 0.0),
                                        (0.0625, 0.125)])
def test_the_edge_of_the_tolerance_passes_and_just_beyond_fails(rtol, atol):
    """Binary fractions: error == limit exactly at the edge."""
    expected = np.array([1.0, -2.0])
    limit = atol + rtol * np.abs(expected)
    assert compare("h", expected, expected + limit, rtol, atol) is None
    assert compare("h", expected, expected - limit, rtol, atol) is None
    beyond = expected.copy()
    beyond[1] -= limit[1] * (1 + 1e-9)
    message = compare("h", expected, beyond, rtol, atol)
    assert message is not None and message.startswith("h: max abs error")
    assert "at index [1]" in message


def test_the_tolerance_scales_with_the_expected_value_not_the_answer():
    """rtol is relative to the reference: 10 for 1 is far off even though
    |got| would allow it."""
    assert compare("h", np.array([1.0]), np.array([10.0]), 0.95, 0.0) == (
        "h: max abs error 9 at index [0]: expected 1, got 10")


def test_lists_and_integers_are_compared_as_floats():
    assert compare("n", [1, 2, 3], np.array([1.0, 2.0, 3.0]), 0.0,
                   0.0) is None
    assert compare("n", [1, 2, 3], [1, 2, 4], 0.0, 0.0) == (
        "n: max abs error 1 at index [2]: expected 3, got 4")


def test_unsigned_answers_do_not_wrap_around():
    assert compare("n", np.uint8([1]), np.uint8([0]), 0.0, 0.0) == (
        "n: max abs error 1 at index [0]: expected 1, got 0")
