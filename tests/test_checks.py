"""check(): what a student reads for a right answer, a wrong one, and the
wrong kind of object."""

import numpy as np
import pytest

from lstm_course import check
from lstm_course.exercises import get
from lstm_course.reference import rnn_np


def right_step(x_t, h_prev, params):
    return rnn_np.step_forward(x_t, h_prev, params)[0]


def test_right_answer(capsys):
    result = check("ch01.rnn_step_forward", right_step)
    out = capsys.readouterr().out
    assert result.passed and result.score == result.max_score == 2
    assert out.count("[pass]") == 3 and "[FAIL]" not in out
    assert "3/3 sub-checks passed, 2/2 points" in out
    assert repr(result) == "<ch01.rnn_step_forward: passed, 2/2 points>"


def test_wrong_answer_says_what_differs_and_hints(capsys):
    def no_bias(x_t, h_prev, params):
        return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"])

    result = check("ch01.rnn_step_forward", no_bias)
    out = capsys.readouterr().out
    assert result.status == "failed" and result.score == 0
    assert "[FAIL] one example: h_t: max abs error" in out
    assert "expected" in out and "got" in out
    assert "x_t (1, 3)" in out  # which input
    assert "hint: h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)" in out


def test_partial_credit_by_sub_check(capsys):
    def transposed_w_hh(dh_t, cache, params):
        dx, dh, grads = rnn_np.step_backward(dh_t, cache, params)
        return dx, dh, dict(grads, W_hh=grads["W_hh"].T)

    result = check("ch01.rnn_step_backward", transposed_w_hh)
    assert result.status == "partial"
    assert result.score == pytest.approx(2.4)
    assert "grads['W_hh']: dW_hh: max abs error" in capsys.readouterr().out


def test_wrong_shape_is_named(capsys):
    check("ch01.rnn_forward",
          lambda x, h0, params: rnn_np.forward(x, params, h0)[0][:, -1])
    assert "h: expected shape (2, 1, 4), got (2, 4)" in capsys.readouterr().out


@pytest.mark.parametrize("obj, expected", [
    (lambda x_t: x_t, "must take 3 arguments (x_t, h_prev, params)"),
    (lambda x_t, h_prev, params, extra: x_t, "must take 3 arguments"),
    (dict, "got the class dict"),
    (None, "got None"),
    (42, "got a int (42)"),
])
def test_wrong_kind_of_object_explains_what_was_expected(capsys, obj,
                                                         expected):
    result = check("ch01.rnn_step_forward", obj)
    out = capsys.readouterr().out
    assert result.status == "error" and result.score == 0
    assert "expected function rnn_step_forward(x_t, h_prev, params)" in out
    assert expected in out
    assert "Traceback" not in out


def test_wrong_return_types_are_explained(capsys):
    check("ch01.rnn_step_forward", lambda x_t, h_prev, params: None)
    assert "did you forget `return`?" in capsys.readouterr().out
    check("ch01.rnn_step_forward",
          lambda x_t, h_prev, params: rnn_np.step_forward(x_t, h_prev, params))
    assert "is a tuple of 2 items; expected one array" in \
        capsys.readouterr().out
    check("ch01.rnn_step_forward", lambda x_t, h_prev, params: "0.5")
    assert "expected an array of numbers" in capsys.readouterr().out
    check("ch01.rnn_step_backward", lambda dh_t, cache, params: (1, 2))
    assert "must return a tuple (dx_t, dh_prev, grads)" in \
        capsys.readouterr().out
    check("ch01.rnn_bptt", lambda dh, x, h0, params: (dh, h0, {"W_xh": 1}))
    assert "missing the key(s) W_hh, b_h" in capsys.readouterr().out


def test_not_implemented_and_crashes(capsys):
    def stub(x_t, h_prev, params):
        raise NotImplementedError()

    result = check("ch01.rnn_step_forward", stub)
    out = capsys.readouterr().out
    assert result.status == "error" and "not implemented" in out
    out_lines = [line for line in out.splitlines() if "[FAIL]" in line]
    assert len(out_lines) == 1  # the one cause is said once

    result = check("ch01.rnn_step_forward", lambda x_t, h_prev, params: 1 / 0)
    assert "your code raised ZeroDivisionError" in capsys.readouterr().out


def test_nan_is_reported():
    result = check("ch01.rnn_step_forward",
                   lambda x_t, h_prev, params: np.full((1, 4), np.nan))
    assert "non-finite" in result.subchecks[0].message


def test_submission_cannot_change_the_references_inputs():
    def vandal(x_t, h_prev, params):
        params["W_xh"][:] = 0
        x_t[:] = 0
        return np.tanh(h_prev @ params["W_hh"] + params["b_h"])

    assert check("ch01.rnn_step_forward", vandal).status == "failed"


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="ch01.rnn_step_forward"):
        check("ch01.nope", right_step)


def test_inputs_are_fresh_per_seed_but_reproducible():
    from lstm_course.exercises.registry import draw_inputs

    exercise = get("ch01.rnn_bptt")
    a, b, c = (draw_inputs(exercise, s) for s in (0, 0, 1))
    np.testing.assert_array_equal(a["10 steps"]["x"], b["10 steps"]["x"])
    assert not np.array_equal(a["10 steps"]["x"], c["10 steps"]["x"])
    assert not np.array_equal(a["2 steps"]["W_xh"],
                              a["10 steps"]["W_xh"][:2])


def test_a_near_miss_in_one_entry_is_wrong_at_the_graders_tolerance():
    """Answers are judged entry by entry at rtol 1e-6: one entry off by
    1e-4 (relative) fails although the mean error is tiny; float32
    round-off (1e-7) passes."""
    from lstm_course.exercises.compare import compare
    from lstm_course.exercises.registry import SubCheck

    tolerance = SubCheck(name="x", outputs=("x",), share=1.0, hint="")
    expected = np.linspace(1.0, 2.0, 1000)
    near = expected.copy()
    near[500] *= 1 + 1e-4
    message = compare("h", expected, near, tolerance.rtol, tolerance.atol)
    assert message is not None and "index [500]" in message
    rounded = expected.astype(np.float32).astype(np.float64)
    assert compare("h", expected, rounded, tolerance.rtol,
                   tolerance.atol) is None
