"""Chapter 04 exercises: assemble a sequence of experiment 2c, the adding
problem's target in the paper's coding, the paper's two kinds of success
criterion (an error bound at each sequence's end, and the most active
outputs at every step), and the count of sequences to solve."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises.registry import Case, Exercise, SubCheck
from lstm_course.tasks import marked_pairs, reber
from lstm_course.tasks.sequences import at_ends, end_mask

REFERENCE = ("lstm_course.tasks", "lstm_course.reproduce")


# --- ch04.distractor_sequence -----------------------------------------------

def _distractor_case(second, count, p):
    def make(rng):
        return {"second": np.array(second),
                "distractors": rng.integers(0, p, size=count),
                "p": np.array(p)}
    return make


def _ref_distractor(inputs):
    p, second = int(inputs["p"]), int(inputs["second"])
    symbols = np.concatenate([[p + 1, p + 2 + second], inputs["distractors"],
                              [p]])
    return {"symbols": symbols.astype(float),
            "target": np.eye(2)[second]}


DISTRACTOR_SEQUENCE = Exercise(
    id="ch04.distractor_sequence",
    title="a sequence of experiment 2c",
    points=2,
    kind="function",
    signature="distractor_sequence(second, distractors, p)",
    parameters=("second", "distractors", "p"),
    cases=(
        Case(name="x, 10 distractors, p = 10",
             make_inputs=_distractor_case(0, 10, 10),
             checks=(
                 SubCheck(name="x", outputs=("symbols", "target"), share=0.5,
                          hint="Symbols: a_1..a_p are 0..p-1, then e = p, b "
                               "= p + 1, x = p + 2, y = p + 3. The input is "
                               "b, x|y, the distractors, e; the target is "
                               "(1, 0) for x, (0, 1) for y."),
             )),
        Case(name="y, 8 distractors, p = 20",
             make_inputs=_distractor_case(1, 8, 20),
             checks=(
                 SubCheck(name="y, fewer distractors than symbols",
                          outputs=("symbols", "target"), share=0.5,
                          hint="The codes of e, b, x, y follow all p "
                               "distractor symbols, however many distractors "
                               "a sequence holds."),
             )),
    ),
    reference=_ref_distractor,
    references=REFERENCE,
)


# --- ch04.adding_targets ----------------------------------------------------

def _adding_case(length):
    def make(rng):
        return {"pairs": marked_pairs.adding_1997(rng, 6, length).inputs
                .astype(float)}
    return make


def _ref_adding(inputs):
    values, markers = inputs["pairs"][..., 0], inputs["pairs"][..., 1]
    return {"targets": 0.5 + (values * (markers == 1)).sum(1) / 4}


ADDING_TARGETS = Exercise(
    id="ch04.adding_targets",
    title="the adding problem's target, in the paper's coding",
    points=2,
    kind="function",
    signature="adding_targets(pairs)",
    parameters=("pairs",),
    cases=(
        Case(name="T = 20", make_inputs=_adding_case(20), checks=(
            SubCheck(name="T = 20", outputs=("targets",), share=0.5,
                     hint="target = 0.5 + (X1 + X2) / 4, where X1 and X2 are "
                          "the values of the two pairs whose marker is 1.0."),
        )),
        Case(name="T = 100", make_inputs=_adding_case(100), checks=(
            SubCheck(name="only markers of 1.0 mark", outputs=("targets",),
                     share=0.5,
                     hint="The first and last pairs carry the marker -1.0: "
                          "they are not marked values. Select with marker == "
                          "1, not marker != 0."),
        )),
    ),
    reference=_ref_adding,
    references=REFERENCE,
)


# --- ch04.end_error_below ---------------------------------------------------

def _end_case(equal_lengths):
    def make(rng):
        n, width, k = 8, 12, 2
        lengths = np.full(n, width) if equal_lengths else \
            rng.integers(5, width + 1, size=n)
        lengths[0] = width
        targets = np.zeros((n, width, k))
        targets[end_mask(lengths, width)] = rng.integers(0, 2, size=(n, k))
        # Outputs near the targets at each end; far off after it.
        outputs = targets + rng.uniform(-0.35, 0.35, size=targets.shape)
        outputs[~end_mask(lengths, width)] = rng.uniform(
            -2, 2, size=(int((~end_mask(lengths, width)).sum()), k))
        return {"outputs": outputs, "targets": targets,
                "lengths": lengths.astype(np.int64),
                "tolerance": np.array(0.2)}
    return make


def _ref_end(inputs):
    lengths = inputs["lengths"]
    error = np.abs(at_ends(inputs["outputs"], lengths)
                   - at_ends(inputs["targets"], lengths))
    right = np.all(error < inputs["tolerance"], axis=-1)
    return {"right": right.astype(float)}


END_ERROR_BELOW = Exercise(
    id="ch04.end_error_below",
    title="success: every output's error at the sequence's end",
    points=2,
    kind="function",
    signature="end_error_below(outputs, targets, lengths, tolerance)",
    parameters=("outputs", "targets", "lengths", "tolerance"),
    cases=(
        Case(name="equal lengths", make_inputs=_end_case(True), checks=(
            SubCheck(name="equal lengths", outputs=("right",), share=0.4,
                     hint="A sequence is right when |output - target| < "
                          "tolerance for every output unit at its last step: "
                          "one bool per sequence."),
        )),
        Case(name="padded sequences", make_inputs=_end_case(False), checks=(
            SubCheck(name="padded sequences", outputs=("right",), share=0.6,
                     hint="Sequence n ends at step lengths[n] - 1, not at "
                          "the last column of the padded batch."),
        )),
    ),
    reference=_ref_end,
    references=REFERENCE,
)


# --- ch04.symbols_right -----------------------------------------------------

def _symbols_case(n):
    def make(rng):
        inputs, targets, mask = reber.embedded_reber(rng, n)
        # Outputs that mostly rank the allowed symbols first.
        outputs = targets * rng.uniform(0.3, 1.0, size=targets.shape) \
            + rng.uniform(0, 0.45, size=targets.shape)
        return {"outputs": outputs, "targets": targets.astype(float),
                "mask": mask.astype(float)}
    return make


def _ref_symbols(inputs):
    masks = inputs["mask"].astype(bool)
    right = [reber.predicted_perfectly(o[m], t[m]) for o, t, m in
             zip(inputs["outputs"], inputs["targets"], masks)]
    return {"right": np.array(right, float)}


SYMBOLS_RIGHT = Exercise(
    id="ch04.symbols_right",
    title="success in experiment 1: the most active outputs are the "
          "possible next symbols",
    points=2,
    kind="function",
    signature="symbols_right(outputs, targets, mask)",
    parameters=("outputs", "targets", "mask"),
    cases=(
        Case(name="8 strings", make_inputs=_symbols_case(8), checks=(
            SubCheck(name="8 strings", outputs=("right",), share=0.5,
                     hint="At every step where mask is True, with k symbols "
                          "allowed (targets == 1), the k largest outputs "
                          "must be exactly those k. One bool per string."),
        )),
        Case(name="40 strings", make_inputs=_symbols_case(40), checks=(
            SubCheck(name="40 strings", outputs=("right",), share=0.5,
                     hint="Steps where mask is False (padding, the final E) "
                          "do not count."),
        )),
    ),
    reference=_ref_symbols,
    references=REFERENCE + ("lstm_course.tasks.reber",),
)


# --- ch04.sequences_to_solve ------------------------------------------------

def _log_case(solved_at):
    def make(rng):
        seen = np.cumsum(rng.integers(100, 1000, size=12))
        share = np.sort(rng.uniform(0.2, 0.95, size=12))
        if solved_at is not None:
            share[solved_at:] = 1.0
            share[solved_at + 1] = 0.99  # it may drop again afterwards
        return {"seen": seen.astype(np.int64), "test_share": share,
                "required": np.array(1.0)}
    return make


def _ref_log(inputs):
    hits = np.flatnonzero(inputs["test_share"] >= inputs["required"])
    return {"sequences": np.array(float(inputs["seen"][hits[0]]) if len(hits)
                                  else -1.0)}


SEQUENCES_TO_SOLVE = Exercise(
    id="ch04.sequences_to_solve",
    title="sequences seen until the criterion first held",
    points=2,
    kind="function",
    signature="sequences_to_solve(seen, test_share, required)",
    parameters=("seen", "test_share", "required"),
    cases=(
        Case(name="solved", make_inputs=_log_case(5), checks=(
            SubCheck(name="solved", outputs=("sequences",), share=0.4,
                     hint="Return seen[k] for the first check k whose "
                          "test_share >= required (the first time, even if "
                          "it drops later)."),
        )),
        Case(name="solved at once", make_inputs=_log_case(0), checks=(
            SubCheck(name="solved at once", outputs=("sequences",), share=0.3,
                     hint="The first check counts too."),
        )),
        Case(name="never solved", make_inputs=_log_case(None), checks=(
            SubCheck(name="never solved", outputs=("sequences",), share=0.3,
                     hint="When no check reaches required, return -1."),
        )),
    ),
    reference=_ref_log,
    references=REFERENCE,
)

#: This chapter's exercises, in the order the chapter asks them.
EXERCISES = (DISTRACTOR_SEQUENCE, ADDING_TARGETS, END_ERROR_BELOW,
             SYMBOLS_RIGHT, SEQUENCES_TO_SOLVE)
