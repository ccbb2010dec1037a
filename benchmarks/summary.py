"""One Markdown page over the results of ``make bench``, and a figure of
the chapters' wall times.

    python benchmarks/summary.py [RESULTS_DIR]

Reads ``benchmarks/results/{cell_speed,chapter_times,test_time,grading}.json``
(whichever exist; a missing one is named on the page) and writes
``benchmarks/results/summary.md`` (ending with the headline table: each
cell's train-step ratio to its twin, which a test holds to
``cell_speed.json``) and ``chapter_times.png``; the README's chapter
table quotes ``chapter_times.json`` as :func:`class_time` writes it, and
a test holds it too.
Measures nothing itself: it is the last step of ``make bench``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks/results"
#: Design doc, section 3: a chapter finishes in "a few minutes" in class
#: mode; the chapter issues set 5 minutes.
CLASS_TARGET_S = 300
TESTS_TARGET_S = 6 * 60  # `make test` on a 2-core machine (issue 22)


def load(name, results=RESULTS):
    path = results / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def provenance(result) -> str:
    machine = result["machine"]
    return (f"`{result['command']}`, {result['date']}; Python "
            f"{machine['python']}, Keras {machine['keras']}, "
            f"{machine['cpus']} CPUs")


def cell_section(result) -> list[str]:
    from cell_speed import summary

    return ["## Custom cells against their Keras twins", "",
            provenance(result) + "; ratio = cell / twin train-step time at "
            "the pair's best `jit_compile` setting. Figure: "
            "`cell_speed.png`.", "",
            summary(result["rows"], result["backend_versions"])]


def chapter_section(result) -> list[str]:
    lines = ["## Chapters", "", provenance(result) + f"; target in class "
             f"mode <= {CLASS_TARGET_S} s per chapter. Figure: "
             "`chapter_times.png`.", "",
             "| notebook | smoke s | class s | class target |",
             "|---|---|---|---|"]
    seconds = {(r["notebook"], r["mode"]): r["seconds"]
               for r in result["results"]}
    for notebook in sorted({key[0] for key in seconds}):
        smoke = seconds.get((notebook, "smoke"))
        klass = seconds.get((notebook, "class"))
        verdict = "not run" if klass is None else (
            "met" if klass <= CLASS_TARGET_S else "missed")
        lines.append(f"| {notebook} | {smoke if smoke is not None else '-'} "
                     f"| {klass if klass is not None else '-'} | {verdict} |")
    return lines


def test_section(result) -> list[str]:
    total = result["total_seconds"]
    verdict = "met" if total <= TESTS_TARGET_S else "missed"
    lines = ["## `make test`", "", provenance(result) + f"; target at "
             f"most {TESTS_TARGET_S // 60} min in all: {verdict}.", "",
             "| run | seconds | exit status | pytest |", "|---|---|---|---|"]
    lines += [f"| {r['run']} | {r['seconds']} | {r['returncode']} | "
              f"{r['pytest']} |" for r in result["runs"]]
    lines.append(f"| total | {result['total_seconds']} | | |")
    return lines


def grading_section(result) -> list[str]:
    targets = result["targets_s"]
    kinds = ", ".join(f"{n} {kind}" for kind, n in
                      result["exercises_by_kind"].items())
    sandbox = result.get("sandbox", "not recorded")
    return ["## Grading", "", provenance(result) + f"; {result['students']} "
            f"students, {result['jobs']} jobs, exercises: {kinds}; sandbox: "
            f"{sandbox}.", "",
            "| graded | seconds | target |", "|---|---|---|",
            f"| one student | {result['one_student_s']} | <= "
            f"{targets['one_student']} |",
            f"| class of {result['students']} | {result['class_s']} | <= "
            f"{targets['class']} |"]


def headline_table(result) -> str:
    """The train-step ratio of each cell to its twin at the pair's best
    jit setting, per backend and length."""
    from cell_speed import PAIRS, TWINS, headline

    best = headline(result["rows"])
    names = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
    columns = [(backend, sorted({key[2] for key in best
                                 if key[0] == backend}))
               for backend in names if any(k[0] == backend for k in best)]
    lines = ["| cell (twin) | " + " | ".join(
        f"{names[b]} T = {' / '.join(map(str, lengths))}"
        for b, lengths in columns) + " |",
        "|---|" + "---|" * len(columns)]
    def ratio(key):
        row = best.get(key)
        return "-" if row is None else \
            f"{row['train_s'] / row['twin_train_s']:.2f}"

    for cell in PAIRS:
        ratios = [" / ".join(ratio((b, cell, n)) for n in lengths)
                  for b, lengths in columns]
        lines.append(f"| `{cell}` (`{TWINS[cell]}`) | " + " | ".join(ratios)
                     + " |")
    return "\n".join(lines)


def class_time(seconds: float) -> str:
    """A chapter's class-mode time as the README's chapter table gives it."""
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def update_readme_times(path: Path, result) -> None:
    """Rewrite the class-mode column of the README's chapter table from a
    chapter_times run."""
    times = {r["notebook"].removesuffix(".ipynb"): class_time(r["seconds"])
             for r in result["results"] if r["mode"] == "class"}
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        cells = line.split("|")
        if len(cells) > 3 and cells[2].strip(" `") in times:
            cells[-2] = f" {times[cells[2].strip(' `')]} "
            lines[i] = "|".join(cells)
    text = "\n".join(lines)
    if text != path.read_text():
        path.write_text(text)
        print(f"updated the chapter times in {path}")


def chapter_figure(result, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    seconds = {(r["notebook"], r["mode"]): r["seconds"]
               for r in result["results"]}
    notebooks = sorted({key[0] for key in seconds})
    modes = sorted({key[1] for key in seconds}, reverse=True)
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    for k, mode in enumerate(modes):
        ax.barh(np.arange(len(notebooks)) + 0.4 * k,
                [seconds.get((nb, mode), np.nan) for nb in notebooks],
                height=0.4, label=f"{mode} mode")
    ax.axvline(CLASS_TARGET_S, color="black", lw=1,
               label="class-mode target")
    ax.set_yticks(np.arange(len(notebooks)) + 0.2,
                  [nb.removesuffix(".ipynb") for nb in notebooks])
    ax.invert_yaxis()
    ax.set(xlabel="wall time, s", title="Solution notebooks, top to bottom "
           f"({result['machine']['cpus']} CPUs)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(results: Path = RESULTS) -> int:
    sections = {"cell_speed": cell_section, "chapter_times": chapter_section,
                "test_time": test_section, "grading": grading_section}
    lines = ["# Benchmarks", "", "Written by `python benchmarks/summary.py` "
             "(the last step of `make bench`) from the JSON files beside "
             "it; each JSON holds its command, machine and versions.", ""]
    for name, section in sections.items():
        result = load(name, results)
        if result is None:
            lines += [f"## {name}", "", f"No `{name}.json` yet: run "
                      f"`python benchmarks/{name}.py`.", ""]
            continue
        lines += section(result) + [""]
    chapters = load("chapter_times", results)
    if chapters is not None:
        chapter_figure(chapters, results / "chapter_times.png")
        if results == RESULTS:
            update_readme_times(ROOT / "README.md", chapters)
    cells = load("cell_speed", results)
    if cells is not None:
        lines += ["## Headline: cell / twin train-step ratio", "",
                  headline_table(cells), ""]
    out = results / "summary.md"
    out.write_text("\n".join(lines))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS))
