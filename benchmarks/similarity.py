"""Time `lstm-course similarity` on a class of 300 and measure its precision
and recall on the generated class of tests/grading/similarity_class.py.

    python benchmarks/similarity.py [--students 300]

The class of 300: every student hands in every chapter of solutions/ (all
31 exercises), each exercise cell in one of the honest styles of the
generated class where it has them, its names changed per student. Writes
``benchmarks/results/similarity.json``. Target (issue 24): a class of 300
in seconds.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HEADER = re.compile(r"^# EXERCISE (\S+)")


def build_class(folder: Path, students: int, seed: int = 0) -> int:
    """Students' folders; returns the number of exercise cells."""
    from tests.grading import similarity_class as generated

    styles = {e: [generated.STYLE_B[e], generated.STYLE_C[e]]
              for e in generated.STYLE_B}
    rng = random.Random(seed)
    cells = 0
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
            notebook = nbformat.read(path, 4)
            for cell in notebook.cells:
                match = HEADER.match(cell.source)
                if cell.cell_type == "code":
                    cell.update(outputs=[], execution_count=None)
                if cell.cell_type != "code" or not match:
                    continue
                source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "",
                                cell.source, flags=re.M)
                body = source.split("\n", 1)[1]
                choice = rng.choice([body, *styles.get(match[1], [])])
                cell.source = f"# EXERCISE {match[1]}\n" + generated.renamed(
                    choice, match[1].split(".")[1])
                cells += 1
            nbformat.write(notebook, student / path.name)
    return cells


def planted() -> dict:
    """Precision and recall on the generated class."""
    from lstm_course.grading import similarity
    from tests.grading import similarity_class as generated

    with tempfile.TemporaryDirectory() as scratch:
        folder = generated.write(Path(scratch) / "class")
        _, flags, _ = similarity.compare([folder])
    origin = generated.ORIGIN

    def same(flag):
        mine = origin[flag.student](flag.exercise)
        other = "reference" if flag.other.startswith("reference: ") \
            else origin[flag.other](flag.exercise)
        return mine == other

    copies = [s for s in generated.answers() if s.startswith("copy_")]
    expected = {(e, s) for e in generated.MEDIUM for s in copies}
    caught = {(f.exercise, name) for f in flags if same(f)
              for name in (f.student, f.other) if name in copies}
    return {"flagged": len(flags), "correct": sum(map(same, flags)),
            "precision": round(sum(map(same, flags)) / max(len(flags), 1), 3),
            "planted_copies": len(expected),
            "recall": round(len(caught & expected) / len(expected), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/similarity.json")
    args = parser.parse_args(argv)
    from lstm_course.provenance import write_results

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "class"
        cells = build_class(folder, args.students)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "lstm_course.cli",
                               "similarity", str(folder)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
    quality = planted()
    print(f"{args.students} students, {cells} exercise cells: {seconds:.1f} s;"
          f" planted class: {quality}")
    write_results(args.out, students=args.students, exercise_cells=cells,
                  seconds=round(seconds, 1), planted_class=quality,
                  target="a class of 300 in seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
