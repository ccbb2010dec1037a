"""``lstm-course similarity CLASS``: which hand-ins share an exercise's
answer beyond what that exercise's answers share anyway.

Each exercise cell is **normalised**: parsed; its imports, docstrings and
string statements dropped; helpers that only return an expression (a
``def`` or a lambda) inlined where they are called, so extracting or
inlining a helper changes nothing; every name and constant replaced by one
token ("Atom"); comments and layout gone with the source text; attribute
and keyword names kept (they are the API a solution calls). Each statement
then gives its runs of ``GRAM`` tokens (a shorter statement, itself),
hashed: the answer's **fingerprint**, a set, so reordering independent
statements changes nothing. What the released stub holds (the signature,
``raise NotImplementedError()``) is removed, and so are the runs more than
``max(COMMON_MIN, COMMON_SHARE * answers)`` answers share: what the
exercise makes everybody write. A one-line step whose honest answers are
necessarily alike is left with nothing, and nobody is flagged on it.

Two answers' similarity s is the Jaccard index of what is left. A pair is
flagged when it shares at least ``MIN_SHARED`` runs and its excess over
the exercise's **class median** m of all pairs, ``(s - m) / (1 - m)``,
reaches the threshold (by default ``defaults.SIMILARITY_THRESHOLD``; with
fewer than three answers m is taken as 0).

Each answer is also compared with the package's own reference for the
exercise (every function of its ``references`` modules): students have
the package installed, and pasting its reference into an exercise is the
plainest way around the grader's import ban. There the similarity is the
share of the answer's runs found in the reference (a paste may join
several of its functions), judged by the same rule against the class's
median share.
"""

from __future__ import annotations

import ast
import copy
import csv
import hashlib
import html
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_course.exercises.catalog import all_exercises
from lstm_course.grading import reports
from lstm_course.grading.command import check_outputs
from lstm_course.grading.defaults import SIMILARITY_THRESHOLD
from lstm_course.grading.grade import (
    Found, UsageError, chapter_exercises, discover, one_copy_per_chapter)
from lstm_course.grading.handin import HandinError, load_handin

GRAM = 6
MIN_CLASS = 3  # answers needed for a class median
COMMON_MIN, COMMON_SHARE = 5, 0.1
#: runs a pair must share beyond what the class shares: less is no
#: evidence (a one-line step has 10 to 20 runs in all)
MIN_SHARED = 10
_SILENT = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
           ast.boolop)


def _label(node: ast.AST) -> str:
    """A node as one token: its kind, with the operator, attribute or
    keyword name where it has one; names and constants canonicalised."""
    kind = type(node).__name__
    if isinstance(node, (ast.Constant, ast.Name)):
        return "Atom"  # a helper's parameter and the literal inlined for it
    if isinstance(node, ast.Attribute):
        return f"Attribute.{node.attr}"
    if isinstance(node, ast.keyword):
        return f"keyword:{node.arg}"
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.AugAssign, ast.BoolOp)):
        return f"{kind}:{type(node.op).__name__}"
    if isinstance(node, ast.Compare):
        return "Compare:" + ",".join(type(op).__name__ for op in node.ops)
    return kind  # arg, FunctionDef, Call, ...: their names dropped


def _tokens(node: ast.AST, skip_bodies: bool) -> list[str]:
    """Pre-order tokens of ``node``; a compound statement's bodies are
    left out when ``skip_bodies`` (they are statements of their own)."""
    out = [_label(node)]
    for name, value in ast.iter_fields(node):
        if skip_bodies and name in ("body", "orelse", "finalbody",
                                    "handlers"):
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, ast.AST) and not isinstance(child, _SILENT):
                out += _tokens(child, skip_bodies=False)
    return out


def _helper(node) -> tuple[str, list[str], ast.expr] | None:
    """``(name, parameters, expression)`` of a helper that only returns an
    expression (a ``def`` or a lambda bound to a name), else None."""
    if isinstance(node, ast.FunctionDef):
        body = [b for b in node.body if not (
            isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        if len(body) == 1 and isinstance(body[0], ast.Return) \
                and body[0].value is not None:
            return node.name, [a.arg for a in node.args.args], body[0].value
    if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.targets[0], ast.Name) \
            and isinstance(node.value, ast.Lambda):
        return (node.targets[0].id, [a.arg for a in node.value.args.args],
                node.value.body)
    return None


class _Inline(ast.NodeTransformer):
    """Calls of one-expression helpers replaced by the expression, the
    arguments put in for the parameters; the helpers' definitions dropped.
    Extracting a helper and inlining one then give the same code."""

    def __init__(self, helpers):
        self.helpers = helpers  # name -> (parameters, expression)

    def visit_Call(self, node):
        self.generic_visit(node)
        helper = isinstance(node.func, ast.Name) and \
            self.helpers.get(node.func.id)
        if not helper or node.keywords or len(node.args) != len(helper[0]):
            return node
        values = dict(zip(helper[0], node.args))

        class Put(ast.NodeTransformer):
            def visit_Name(self, name):
                return copy.deepcopy(values[name.id]) if name.id in values \
                    else name

        return Put().visit(copy.deepcopy(helper[1]))

    def _definition(self, node):
        found = _helper(node)
        if found and found[0] in self.helpers:
            return None
        return self.generic_visit(node)

    visit_FunctionDef = visit_Assign = _definition


def _inlined(tree: ast.AST) -> ast.AST:
    called, candidates = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called.add(node.func.id)
        elif isinstance(node, (ast.FunctionDef, ast.Assign)):
            found = _helper(node)
            if found:
                candidates[found[0]] = found[1:]
    # only what the cell calls: not the exercise's own function
    helpers = {n: h for n, h in candidates.items() if n in called}
    if not helpers:
        return tree
    tree = _Inline(helpers).visit(tree)
    # a helper that called another: once more (deeper nesting is rare)
    if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
           and n.func.id in helpers for n in ast.walk(tree)):
        tree = _Inline(helpers).visit(tree)
    return tree


def _statements(tree: ast.AST):
    """Every statement below ``tree`` but imports and bare strings
    (docstrings)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            continue
        if isinstance(node, ast.stmt):
            yield node


def _hash(tokens) -> int:
    digest = hashlib.blake2b("\x1f".join(tokens).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") >> 1


def fingerprint(source: str) -> frozenset[int]:
    """The hashed token runs of every statement of ``source`` (empty when
    it does not parse)."""
    try:
        tree = _inlined(ast.parse(source))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return frozenset()
    grams = set()
    for statement in _statements(tree):
        tokens = _tokens(statement, skip_bodies=True)
        if len(tokens) <= GRAM:
            grams.add(_hash(tokens))
        else:
            grams.update(_hash(tokens[i:i + GRAM])
                         for i in range(len(tokens) - GRAM + 1))
    return frozenset(grams)


def stub_fingerprint(exercise) -> frozenset[int]:
    """What the released stub of ``exercise`` holds."""
    return fingerprint(f"def {exercise.signature}:\n"
                       "    raise NotImplementedError()\n")


def reference_functions(exercise) -> dict[str, str]:
    """``{"module.function": source}`` of every top-level function in the
    exercise's reference modules."""
    functions = {}
    for module in exercise.references:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin:
            continue
        source = Path(spec.origin).read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                functions[f"{module}.{node.name}"] = \
                    ast.get_source_segment(source, node)
    return functions


def shared(sets: list[frozenset]) -> tuple[np.ndarray, np.ndarray]:
    """``(common, jaccard)``, (n, n): how many runs each pair shares, and
    that over how many either has (the Jaccard index)."""
    vocabulary = {h: i for i, h in enumerate(set().union(*sets))}
    m = np.zeros((len(sets), max(len(vocabulary), 1)), np.float32)
    for r, row in enumerate(sets):
        m[r, [vocabulary[h] for h in row]] = 1.0
    common = m @ m.T
    union = m.sum(1)[:, None] + m.sum(1)[None, :] - common
    return common, np.where(union > 0, common / np.maximum(union, 1), 0.0)


def excess(similarity, median: float):
    """How far above the class a similarity is: 0 at the median, 1 at
    identical; 0 where the class is all alike."""
    if median >= 1:
        return np.zeros_like(np.asarray(similarity, float))
    return (np.asarray(similarity, float) - median) / (1 - median)


@dataclass
class Flag:
    exercise: str
    student: str
    other: str  # a student, or "reference: module.function"
    similarity: float
    median: float
    source: str
    other_source: str

    @property
    def excess(self) -> float:
        return float(excess(self.similarity, self.median))


@dataclass
class ExerciseSummary:
    exercise: str
    answers: int  # cells with more than the stub
    median: float | None  # None: nothing beyond what the class shares
    reference_median: float | None
    flags: int


def answers(paths: list[Path]) -> tuple[dict, list[str]]:
    """``{exercise id: {student: source}}`` of every hand-in, and what
    could not be read."""
    by_student: dict[str, list[Found]] = {}
    for found in discover(paths):
        by_student.setdefault(found.student, []).append(found)
    table: dict[str, dict[str, str]] = {}
    problems = []
    for student, found in by_student.items():
        notebooks, _ = one_copy_per_chapter(found)
        for item in notebooks:
            expected = chapter_exercises(item.notebook)
            if not expected:
                continue
            try:
                if item.problem:
                    raise HandinError(item.problem)
                handin = load_handin(item.notebook, [e.id for e in expected])
            except (HandinError, OSError) as error:
                problems.append(f"{student}: {item.notebook.name}: {error}")
                continue
            for exercise_id, source in handin.cells.items():
                table.setdefault(exercise_id, {})[student] = source
    return table, problems


def common_grams(prints: list[frozenset]) -> frozenset[int]:
    """Runs that more than ``max(COMMON_MIN, COMMON_SHARE * answers)``
    answers share: what an exercise makes everybody write (a one-line step
    is nothing else), evidence of nothing."""
    counts: dict[int, int] = {}
    for grams in prints:
        for gram in grams:
            counts[gram] = counts.get(gram, 0) + 1
    limit = max(COMMON_MIN, COMMON_SHARE * len(prints))
    return frozenset(g for g, c in counts.items() if c > limit)


def compare(paths: list[Path], threshold: float = SIMILARITY_THRESHOLD):
    """``(summaries, flags, problems)`` for the class under ``paths``."""
    if not 0 < threshold <= 1:
        raise UsageError(f"--threshold is an excess similarity in (0, 1], "
                         f"got {threshold:g}")
    table, problems = answers(paths)
    exercises = {e.id: e for e in all_exercises()}
    summaries, flags = [], []
    for exercise_id in sorted(table):
        exercise = exercises[exercise_id]
        stub = stub_fingerprint(exercise)
        given = {student: fingerprint(source) - stub
                 for student, source in table[exercise_id].items()}
        answered = sum(bool(grams) for grams in given.values())
        common = common_grams(list(given.values()))
        # a stub, an unparsable cell or only what everybody writes: nobody's
        # copy
        students = [s for s, grams in given.items() if grams - common]
        if not students:
            summaries.append(ExerciseSummary(exercise_id, answered, None,
                                             None, 0))
            continue
        sources = [table[exercise_id][s] for s in students]
        prints = [given[s] - common for s in students]
        n = len(prints)
        common, sims = shared(prints)
        pairs = np.triu_indices(n, 1)
        median = float(np.median(sims[pairs])) if n >= MIN_CLASS else 0.0
        i, j = pairs
        flagged = (common[pairs] >= MIN_SHARED) & (sims[pairs] > median) \
            & (excess(sims[pairs], median) >= threshold)
        for a, b in zip(i[flagged], j[flagged]):
            flags.append(Flag(exercise_id, students[a], students[b],
                              round(float(sims[a, b]), 3), round(median, 3),
                              sources[a], sources[b]))
        found = int(flagged.sum())
        reference_median = None
        functions = reference_functions(exercise)
        if functions:
            contained, best = reference_overlap(prints, functions, stub)
            reference_median = float(np.median(contained)) \
                if n >= MIN_CLASS else 0.0
            for i in range(n):
                s = contained[i]
                if s * len(prints[i]) >= MIN_SHARED and s > reference_median \
                        and excess(s, reference_median) >= threshold:
                    flags.append(Flag(
                        exercise_id, students[i], f"reference: {best[i]}",
                        round(float(s), 3), round(reference_median, 3),
                        sources[i], functions[best[i]]))
                    found += 1
        summaries.append(ExerciseSummary(exercise_id, answered,
                                         round(median, 3),
                                         None if reference_median is None
                                         else round(reference_median, 3),
                                         found))
    return summaries, flags, problems


def reference_overlap(prints, functions: dict[str, str], stub):
    """For each answer, the share of its runs found in the reference's
    functions (all of them together: a paste may join several), and the
    function it shares most with."""
    names = list(functions)
    refs = [fingerprint(functions[f]) - stub for f in names]
    union = frozenset().union(*refs)
    contained = np.array([len(p & union) / len(p) for p in prints])
    best = [names[int(np.argmax([len(p & r) for r in refs]))]
            for p in prints]
    return contained, best


# --- reports -----------------------------------------------------------------

def summary_table(summaries, flags, threshold, problems) -> str:
    lines = [f"Similarity: Jaccard index of normalised code fingerprints; "
             f"flagged when the excess over the exercise's class median "
             f"reaches {threshold:g}.", "",
             "| exercise | answers | class median | median to the reference "
             "| flagged |", "|---|---|---|---|---|"]
    for s in summaries:
        median, ref = ("-" if v is None else f"{v:.2f}"
                       for v in (s.median, s.reference_median))
        lines.append(f"| {s.exercise} | {s.answers} | {median} | {ref} "
                     f"| {s.flags} |")
    lines += ["", "(-: the answers hold nothing the class does not share, "
              "as a one-line step; no reference in the package.)"]
    lines += ["", f"{len(flags)} flagged:" if flags else "Nothing flagged."]
    lines += [f"- {f.exercise}: {reports.markdown(f.student)} and "
              f"{reports.markdown(f.other)}, similarity {f.similarity:.2f} "
              f"(class median {f.median:.2f})" for f in flags]
    if problems:
        lines += ["", "Not read:"] + [f"- {reports.markdown(p)}"
                                      for p in problems]
    return "\n".join(lines) + "\n"


def markdown_report(summaries, flags, threshold, problems) -> str:
    """The summary, then each flagged pair's two cells side by side."""
    parts = ["# Similarity report", "", summary_table(summaries, flags,
                                                      threshold, problems)]
    for f in flags:
        parts += [f"## {f.exercise}: {reports.markdown(f.student)} and "
                  f"{reports.markdown(f.other)}", "",
                  f"Similarity {f.similarity:.2f}, class median "
                  f"{f.median:.2f}, excess {f.excess:.2f}.", "",
                  "<table><tr>"
                  f"<th>{html.escape(reports.plain(f.student))}</th>"
                  f"<th>{html.escape(reports.plain(f.other))}</th></tr><tr>"
                  f"<td><pre>{html.escape(f.source)}</pre></td>"
                  f"<td><pre>{html.escape(f.other_source)}</pre></td>"
                  "</tr></table>", ""]
    return "\n".join(parts)


def csv_report(flags) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["exercise", "student", "other", "similarity",
                     "class_median", "excess"])
    for f in flags:
        writer.writerow([f.exercise, _cell(f.student), _cell(f.other),
                         f"{f.similarity:.3f}", f"{f.median:.3f}",
                         f"{f.excess:.3f}"])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def similarity_command(paths: list[Path], threshold=SIMILARITY_THRESHOLD,
                       markdown_path=None, csv_path=None, out=None) -> int:
    out = out or sys.stdout  # looked up now: a test may have replaced it
    check_outputs(paths, {"--markdown": markdown_path, "--csv": csv_path})
    summaries, flags, problems = compare(paths, threshold)
    out.write(summary_table(summaries, flags, threshold, problems))
    if markdown_path:
        Path(markdown_path).write_text(markdown_report(
            summaries, flags, threshold, problems), encoding="utf-8")
    if csv_path:
        Path(csv_path).write_text(csv_report(flags), encoding="utf-8")
    return 0
