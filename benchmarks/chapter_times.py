"""Wall time of every solution notebook in smoke and class mode.

    python benchmarks/chapter_times.py [--modes smoke class] [NOTEBOOK...]

Runs copies in a temporary folder (solutions/ is left alone) and writes
``benchmarks/results/chapter_times.json`` with the command, versions and
machine. Target (design doc): class mode <= 3 min per chapter on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lstm_course.provenance import write_results

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    from lstm_course.execute import execute_notebook
    from lstm_course.release import solution_notebooks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--modes", nargs="+", default=["smoke", "class"])
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/chapter_times.json")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or solution_notebooks(ROOT / "solutions")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in notebooks:
            for mode in args.modes:
                copy = Path(scratch) / path.name
                shutil.copy(path, copy)
                os.environ["LSTM_COURSE_MODE"] = mode
                start = time.perf_counter()
                execute_notebook(copy)
                seconds = time.perf_counter() - start
                rows.append({"notebook": path.name, "mode": mode,
                             "seconds": round(seconds, 1)})
                print(f"{path.name:28s} {mode:6s} {seconds:7.1f} s",
                      flush=True)
    write_results(args.out, results=rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
