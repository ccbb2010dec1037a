"""An exercise's specification refuses what would grade wrongly (no calling
convention, an unknown kind, a case without sub-checks, shares that do not
sum to one, an id twice), each with the message an author acts on."""

import dataclasses
import re

import numpy as np
import pytest

from lstm_course.exercises import catalog, registry
from lstm_course.exercises.registry import Case, Exercise, SubCheck


def check(name, share, outputs=("y",), hint=""):
    return SubCheck(name=name, outputs=outputs, share=share, hint=hint)


def one_step(*checks):
    """The case "one step" with these sub-checks."""
    return Case(name="one step",
                make_inputs=lambda rng: {"x": rng.normal(size=3)},
                checks=checks)


def spec(**changes):
    """A valid exercise (ch01.rnn_step_forward's calling convention) with
    ``changes``."""
    fields = dict(
        id="ch01.rnn_step_forward", title="t", points=1.0, kind="function",
        signature="f(x)", parameters=("x",),
        cases=(one_step(check("a", 0.25), check("b", 0.75)),),
        reference=lambda inputs: {"y": inputs["x"]})
    return Exercise(**{**fields, **changes})


def whole(message):
    return f"^{re.escape(message)}$"


def test_a_valid_spec_is_accepted():
    assert spec().name == "f"


@pytest.mark.parametrize("changes, message", [
    ({"id": "ch09.nothing"}, "ch09.nothing: no calling convention in "
     "lstm_course.sandboxed.calls.CALLS"),
    ({"kind": "module"}, "ch01.rnn_step_forward: kind must be 'function' "
     "or 'class', got 'module'"),
    ({"cases": (one_step(check("a", 1.0)), one_step())},
     "ch01.rnn_step_forward: case 'one step' has no sub-checks"),
    ({"cases": (one_step(check("a", 0.5)),)},
     "ch01.rnn_step_forward: sub-check shares sum to 0.5, expected 1"),
    ({"cases": (one_step(check("a", 0.5)), one_step(check("b", 1.0)))},
     "ch01.rnn_step_forward: sub-check shares sum to 1.5, expected 1"),
])
def test_a_wrong_spec_is_refused_with_its_reason(changes, message):
    with pytest.raises(ValueError, match=whole(message)):
        spec(**changes)


def test_a_class_exercise_is_a_kind():
    assert spec(kind="class").kind == "class"


def test_shares_may_carry_float_round_off():
    thirds = tuple(check(n, 0.1) for n in "abc")
    assert spec(cases=(one_step(*thirds, check("d", 0.7)),))


def test_specs_take_keywords_only():
    with pytest.raises(TypeError):
        SubCheck("a", ("y",), 1.0, "")
    with pytest.raises(TypeError):
        Case("one step", lambda rng: {}, ())


def test_the_catalog_takes_an_id_once_and_sorts_by_id():
    exercise = spec()
    with pytest.raises(ValueError, match=whole(
            "exercise 'ch01.rnn_step_forward' is given twice")):
        catalog.collect([exercise, dataclasses.replace(exercise, title="b")])
    later = dataclasses.replace(exercise, id="ch01.rnn_forward")
    assert list(catalog.collect([exercise, later])) == [
        "ch01.rnn_forward", "ch01.rnn_step_forward"]


def test_the_catalog_holds_every_chapters_exercises_in_id_order():
    ids = [e.id for chapter in catalog.CHAPTERS for e in chapter.EXERCISES]
    assert list(catalog.CATALOG) == sorted(ids) and len(ids) == 31
    assert [e.id for e in catalog.all_exercises()] == sorted(ids)
    assert all(chapter.__name__.endswith(f"ch0{n}")
               for n, chapter in enumerate(catalog.CHAPTERS))


def test_the_report_a_student_reads():
    result = registry.ExerciseResult("ch01.x", "One step", 2.0, [
        registry.SubCheckResult("h_t", True, 1.5, 1.5),
        registry.SubCheckResult("y_t", False, 0.0, 0.5, "max abs error 1",
                                "apply W_hy"),
        registry.SubCheckResult("c_t", False, 0.0, 0.0, "wrong shape")])
    assert result.report() == (
        "ch01.x: One step (2 points)\n"
        "  [pass] h_t\n"
        "  [FAIL] y_t: max abs error 1\n"
        "         hint: apply W_hy\n"
        "  [FAIL] c_t: wrong shape\n"
        "  1/3 sub-checks passed, 1.5/2 points")
    assert result.status == "partial" and repr(result) == (
        "<ch01.x: partial, 1.5/2 points>")
    crashed = registry.ExerciseResult("ch01.x", "One step", 2.0,
                                      error="ZeroDivisionError")
    assert crashed.report() == ("ch01.x: One step (2 points)\n"
                                "  [FAIL] ZeroDivisionError\n"
                                "  0/0 sub-checks passed, 0/2 points")


def test_score_gives_each_sub_check_its_share_message_and_hint():
    exercise = spec(title="Echo", points=4.0, cases=(one_step(
        check("y right", 0.25, hint="return x"),
        check("z right", 0.75, outputs=("z",), hint="add z")),))
    inputs = registry.draw_inputs(exercise, seed=3)
    x = inputs["one step"]["x"]
    result = registry.score(exercise, inputs, {"one step": {"y": x}})
    assert (result.title, result.score, result.max_score) == ("Echo", 1.0, 4.0)
    right, missing = result.subchecks
    assert (right.points, right.max_points, right.message, right.hint) == (
        1.0, 1.0, "", "")
    assert (missing.points, missing.max_points, missing.hint) == (
        0.0, 3.0, "add z")
    assert missing.message == ("z: missing from what your code returned "
                               "(inputs: x (3,))")


def test_a_case_without_a_result_says_so():
    exercise = spec()
    inputs = registry.draw_inputs(exercise)
    result = registry.score(exercise, inputs, {})
    assert [sub.message for sub in result.subchecks] == ["no result"] * 2
    assert result.error == ""
    said = registry.score(exercise, inputs, {"one step": "it crashed"})
    assert said.error == "it crashed"


def test_inputs_depend_on_the_exercise_and_the_seed():
    one = spec()
    other = spec(id="ch01.rnn_bptt")
    a = registry.draw_inputs(one)["one step"]["x"]
    assert not np.array_equal(a, registry.draw_inputs(other)["one step"]["x"])
    np.testing.assert_array_equal(
        a, registry.draw_inputs(one, registry.DEFAULT_SEED)["one step"]["x"])
    assert registry.DEFAULT_SEED == 0


def test_evaluate_runs_the_submission_on_the_seeds_inputs():
    exercise = catalog.get("ch01.rnn_step_forward")
    seen = []

    def submission(x_t, h_prev, params):
        seen.append(x_t)
        return np.zeros_like(h_prev)

    registry.evaluate(exercise, submission, seed=5)
    np.testing.assert_array_equal(
        seen[0], registry.draw_inputs(exercise, 5)[
            exercise.cases[0].name]["x_t"])


def test_an_unknown_id_lists_the_known_ones():
    with pytest.raises(KeyError) as error:
        catalog.get("ch09.nothing")
    known = ", ".join(sorted(e.id for e in catalog.all_exercises()))
    assert error.value.args[0] == (f"no exercise 'ch09.nothing'; known ids: "
                                   f"{known}")


def test_kind_problem_says_what_was_expected_and_what_came():
    function = spec(signature="double(x)")
    assert registry.kind_problem(function, lambda x: x) is None
    assert registry.kind_problem(function, int) == (
        "expected function double(x), got the class int")
    assert registry.kind_problem(function, 3) == (
        "expected function double(x), got a int (3)")

    def double(x, y):
        return x

    assert registry.kind_problem(function, double) == (
        "expected function double(x), but yours is double(x, y): it must "
        "take 1 arguments (x)")
    layer = spec(kind="class", signature="Cell(units)")
    assert registry.kind_problem(layer, dict) is None
    assert registry.kind_problem(layer, None) == (
        "expected class Cell(units), got None")
