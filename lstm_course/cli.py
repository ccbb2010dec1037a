"""The ``lstm-course`` command: thin wrappers over the package's functions.

    lstm-course release [--check] [--force]   chapters/ from solutions/
    lstm-course run-solutions [NOTEBOOK...]   execute solutions/ in place
    lstm-course grade PATH... [options]       grade hand-ins
    lstm-course init-student-repo DIR         the students' CI workflow
    lstm-course reproduce ROW [options]        a row of the 1997 paper, as JSON
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lstm_course.grading.defaults import EXERCISE_TIMEOUT, SIMILARITY_THRESHOLD
from lstm_course.markers import MarkerError


def _release(args) -> int:
    from lstm_course.release import plan_release, release

    solutions, chapters = Path(args.solutions), Path(args.chapters)
    if args.check:
        plan = plan_release(solutions, chapters)
        for name in plan.stale:
            print(f"stale: {chapters / name} differs from what release makes "
                  f"of {solutions / name}")
        for name in plan.orphans:
            print(f"orphan: {chapters / name} has no {solutions / name}")
        if plan.up_to_date:
            print(f"{chapters}/ is up to date ({len(plan.texts)} chapters)")
            return 0
        print("run `lstm-course release` to regenerate chapters/")
        return 1
    plan = release(solutions, chapters, force=args.force)
    kept = [] if args.force else plan.edited
    for name in plan.stale:
        if name not in kept:
            print(f"wrote {chapters / name}")
    for name in kept:
        print(f"kept {chapters / name}: it was edited since the last release "
              "(a student's work?); --force overwrites it", file=sys.stderr)
    for name in plan.orphans:
        print(f"note: {chapters / name} has no solution; left alone")
    if not plan.stale:
        print(f"{chapters}/ is up to date ({len(plan.texts)} chapters)")
    return 1 if kept else 0


def _run_solutions(args) -> int:
    from lstm_course.execute import execute_notebook
    from lstm_course.modes import mode
    from lstm_course.release import solution_notebooks

    paths = [Path(p) for p in args.notebooks] or solution_notebooks(
        Path(args.solutions))
    for path in paths:
        seconds = execute_notebook(path)
        print(f"{path}: ran in {seconds:.0f} s ({mode()} mode)")
    return 0


def _report_paths(args) -> dict:
    return dict(json_path=args.json, junit_path=args.junit,
                csv_path=args.csv, feedback_dir=args.feedback_dir,
                gradescope_path=args.gradescope, markdown_path=args.markdown,
                min_score=args.min_score)


def _grade(args) -> int:
    from lstm_course.grading.command import grade_command

    return grade_command(
        [Path(p) for p in args.paths], **_report_paths(args), seed=args.seed,
        timeout=args.timeout, jobs=args.jobs, sandbox=args.sandbox,
        shard=args.shard)


def _merge(args) -> int:
    from lstm_course.grading.command import merge_command

    return merge_command([Path(p) for p in args.files], **_report_paths(args))


def _gradescope_autograder(args) -> int:
    from lstm_course.grading.gradescope import build_autograder

    built = build_autograder(Path(args.zip), sandbox=args.sandbox,
                             timeout=args.timeout)
    print(f"wrote {built['path']} ({built['bytes'] / 1024:,.0f} KiB: "
          f"{', '.join(built['files'])}); lstm-course {built['version']}, "
          f"built on Python {built['python']}. Upload it as the "
          "assignment's autograder (Gradescope: Configure Autograder, "
          "zip file upload).")
    return 0


def _similarity(args) -> int:
    from lstm_course.grading.similarity import similarity_command

    return similarity_command([Path(p) for p in args.paths],
                              threshold=args.threshold,
                              markdown_path=args.markdown,
                              csv_path=args.csv)


def _book(args) -> int:
    from lstm_course.book import build

    built = build(Path(args.out), Path(args.solutions))
    print(f"wrote {args.out}/index.html: {len(built['pages'])} chapters, "
          f"{built['bytes'] / 2**20:.1f} MB, {built['seconds']:.0f} s")
    return 0


def _add_report_options(parser) -> None:
    """The reports of a grading run, for ``grade`` and ``merge``."""
    parser.add_argument("--json", type=Path, metavar="FILE")
    parser.add_argument("--junit", type=Path, metavar="FILE")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="class gradebook: a row per student")
    parser.add_argument("--feedback-dir", type=Path, metavar="DIR",
                        help="one Markdown feedback file per student")
    parser.add_argument("--gradescope", type=Path, metavar="FILE",
                        help="Gradescope's results.json")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the table here (e.g. a CI job "
                        "summary)")
    parser.add_argument("--min-score", type=float, metavar="X",
                        help="exit 1 if a student's total is below this "
                        "fraction of the maximum (0-1)")


def _init_student_repo(args) -> int:
    from lstm_course.grading.command import init_student_repo

    print(f"wrote {init_student_repo(Path(args.folder), force=args.force)}")
    return 0


def _reproduce(args) -> int:
    from lstm_course.modes import mode
    from lstm_course.reproduce.command import (paper_command, print_rows,
                                               reproduce_command)

    if args.list_rows:
        return print_rows()
    if args.task is None:
        raise ValueError("name a row of the paper's tables (--list-rows "
                         "shows them) or, with --configuration modern, an "
                         "experiment")
    if args.configuration == "paper":
        modern_only = [flag for flag, value in (
            ("--optimizer", args.optimizer), ("--learning-rate",
                                              args.learning_rate),
            ("--model", args.model), ("--size", args.size)) if value]
        if modern_only:
            raise ValueError(f"{', '.join(modern_only)}: only for "
                             "--configuration modern; the paper's "
                             "configuration trains its own network with "
                             "its own SGD at the size the row names")
        return paper_command(args.task, mode=args.mode or mode(),
                             trials=args.trials, budget=args.budget,
                             seed=args.seed, out=args.out, argv=args.argv)
    return reproduce_command(
        args.task, mode=args.mode or mode(), trials=args.trials,
        optimizer=args.optimizer or "paper", model=args.model or "lstm1997",
        size=args.size, budget=args.budget, seed=args.seed, out=args.out,
        argv=args.argv, learning_rate=args.learning_rate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstm-course", description="The LSTM course's tools.")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    commands = parser.add_subparsers(dest="command", required=True)

    rel = commands.add_parser(
        "release", help="regenerate chapters/ from solutions/")
    rel.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 naming stale chapters")
    rel.add_argument("--force", action="store_true",
                     help="overwrite chapters edited since the last release")
    rel.add_argument("--solutions", default="solutions", metavar="DIR")
    rel.add_argument("--chapters", default="chapters", metavar="DIR")
    rel.set_defaults(handler=_release)

    run = commands.add_parser(
        "run-solutions", help="execute solution notebooks in place, in the "
        "current LSTM_COURSE_MODE, saving their outputs")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    run.add_argument("--solutions", default="solutions", metavar="DIR")
    run.set_defaults(handler=_run_solutions)

    grd = commands.add_parser(
        "grade", help="grade hand-ins: a notebook, a student's folder, or a "
        "folder of students' folders")
    grd.add_argument("paths", nargs="+", metavar="PATH")
    _add_report_options(grd)
    grd.add_argument("--seed", type=int, metavar="N",
                     help="draw inputs from this seed (default: a fresh one)")
    grd.add_argument("--timeout", type=float, default=EXERCISE_TIMEOUT,
                     metavar="S", help="seconds per exercise (default "
                     f"{EXERCISE_TIMEOUT:g})")
    grd.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="students graded at once (default 1)")
    grd.add_argument("--sandbox", choices=("required", "auto", "off"),
                     default="required",
                     help="isolate student code with bubblewrap: required "
                     "(default: refuse to grade without it), auto (the "
                     "weaker isolation, labelled, where it cannot start), "
                     "off")
    grd.add_argument("--shard", metavar="I/N",
                     help="grade only the I-th of N disjoint slices of the "
                     "students (needs --seed and --json; join the slices "
                     "with `lstm-course merge`)")
    grd.set_defaults(handler=_grade)

    mrg = commands.add_parser(
        "merge", help="join the JSON of `grade --shard I/N` runs into the "
        "reports of one run")
    mrg.add_argument("files", nargs="+", metavar="SHARD.json")
    _add_report_options(mrg)
    mrg.set_defaults(handler=_merge)

    gsc = commands.add_parser(
        "gradescope-autograder", help="build Gradescope's autograder zip: "
        "setup.sh, run_autograder and this version of the course")
    gsc.add_argument("zip", metavar="OUT.zip")
    gsc.add_argument("--sandbox", choices=("auto", "required"),
                     default="auto",
                     help="auto (default): bubblewrap where Gradescope's "
                     "container lets it start, else the weaker, labelled "
                     "isolation; required: refuse to grade without it")
    gsc.add_argument("--timeout", type=float, default=EXERCISE_TIMEOUT,
                     metavar="S", help="seconds per exercise (default "
                     f"{EXERCISE_TIMEOUT:g})")
    gsc.set_defaults(handler=_gradescope_autograder)

    book = commands.add_parser(
        "book", help="build the course as a static website from the "
        "solutions' class-mode outputs, answers removed (offline)")
    book.add_argument("--out", default="_build/book", metavar="DIR",
                      help="where the site goes (replaced; default "
                      "_build/book)")
    book.add_argument("--solutions", default="solutions", metavar="DIR")
    book.set_defaults(handler=_book)

    sim = commands.add_parser(
        "similarity", help="flag hand-ins whose exercise cells are more "
        "alike than that exercise's answers are across the class, or like "
        "the package's own reference")
    sim.add_argument("paths", nargs="+", metavar="PATH")
    sim.add_argument("--threshold", type=float,
                     default=SIMILARITY_THRESHOLD, metavar="X",
                     help="excess similarity over the exercise's class "
                     "median that flags a pair, in (0, 1] (default "
                     f"{SIMILARITY_THRESHOLD:g})")
    sim.add_argument("--markdown", type=Path, metavar="FILE",
                     help="the report, each flagged pair side by side")
    sim.add_argument("--csv", type=Path, metavar="FILE",
                     help="the flagged pairs, a row each")
    sim.set_defaults(handler=_similarity)

    init = commands.add_parser(
        "init-student-repo", help="write the GitHub Actions workflow that "
        "grades a student's repository on every push")
    init.add_argument("folder", metavar="DIR")
    init.add_argument("--force", action="store_true")
    init.set_defaults(handler=_init_student_repo)

    from lstm_course.reproduce.options import (CONFIGURATIONS, MODELS, MODES,
                                               OPTIMIZERS)

    rep = commands.add_parser(
        "reproduce", help="train a row of the 1997 paper's tables (its "
        "network, SGD and stop rule), or with --configuration modern today's "
        "network on one of its experiments; write the results as JSON")
    rep.add_argument("task", nargs="?", metavar="ROW|EXPERIMENT",
                     help="paper: a row such as 2c-q1000-p1000 (--list-rows); "
                     "modern: an experiment, 1 2a 2b 2c 3a 4 5 6a 6b")
    rep.add_argument("--configuration", choices=list(CONFIGURATIONS),
                     default="paper",
                     help="; ".join(f"{key}: {text}"
                                    for key, text in CONFIGURATIONS.items()))
    rep.add_argument("--list-rows", action="store_true",
                     help="print the paper's rows and exit")
    rep.add_argument("--mode", choices=MODES,
                     help="budget and trials (modern: sizes too; default: "
                     "LSTM_COURSE_MODE, else class)")
    rep.add_argument("--trials", type=int, metavar="N",
                     help="default: 2 (smoke), 3 (class), the paper's count "
                     "(paper)")
    rep.add_argument("--optimizer", choices=list(OPTIMIZERS),
                     help="modern only; " + "; ".join(
                         f"{key}: {text}" for key, text in OPTIMIZERS.items()))
    rep.add_argument("--learning-rate", type=float, metavar="RATE",
                     help="modern only; default: the paper's (paper), 1e-3 "
                     "(adam)")
    rep.add_argument("--model", choices=list(MODELS),
                     help="modern only; simple-rnn: the BPTT baseline")
    rep.add_argument("--size", type=int, metavar="N",
                     help="modern only: the experiment's p, q or T")
    rep.add_argument("--budget", type=int, metavar="SEQUENCES",
                     help="stop a trial after this many training sequences")
    rep.add_argument("--seed", type=int, default=0,
                     help="trial k uses seed + k (default 0)")
    rep.add_argument("--out", type=Path, metavar="FILE",
                     help="write the JSON here (default: stdout)")
    rep.set_defaults(handler=_reproduce)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return args.handler(args)
    except (MarkerError, FileNotFoundError, ValueError) as error:
        # UsageError is a ValueError: bad arguments exit 2 with the reason.
        print(f"lstm-course {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
