"""``lstm-course release``: make the students' chapters/ from solutions/.

A converter in the manner of nbgrader's ``generate_assignment``: an ordered
list of small transforms, each doing one job on a notebook node. The file
written to chapters/ is recorded by its SHA-256 in ``chapters/.release.json``,
so that a later release can tell its own files from a student's edited ones
and never overwrites the latter without ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from lstm_course.markers import MarkerError, has_marker, replace_solutions

MANIFEST = ".release.json"
NOTEBOOK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


def clear_solutions(nb, path):
    """Solution regions of code cells become ``# YOUR CODE HERE`` stubs;
    a marker in a Markdown or raw cell is an error (it would leak)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.source = replace_solutions(cell.source, path, index)
        elif has_marker(cell.source):
            line = next(number for number, text in enumerate(
                cell.source.split("\n"), start=1) if has_marker(text))
            raise MarkerError(path, index, line, "solution markers belong "
                              f"in code cells, found in a {cell.cell_type} "
                              "cell")
    return nb


def clear_outputs(nb, path):
    """Outputs and execution counts go; students run the cells themselves."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        # Timing metadata from an execution is output, not source.
        cell.metadata.pop("execution", None)
    return nb


TRANSFORMS = (clear_solutions, clear_outputs)


def release_text(solution_path: Path) -> str:
    """The chapter that ``solution_path`` releases to, as file text."""
    nb = nbformat.read(solution_path, as_version=4)
    for transform in TRANSFORMS:
        nb = transform(nb, solution_path)
    return nbformat.writes(nb) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def solution_notebooks(solutions: Path) -> list[Path]:
    if not solutions.is_dir():
        raise FileNotFoundError(f"no solutions folder at {solutions}")
    return sorted(path for path in solutions.glob("*.ipynb")
                  if NOTEBOOK_NAME.match(path.name))


def read_manifest(chapters: Path) -> dict[str, str]:
    path = chapters / MANIFEST
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text())["chapters"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is damaged ({error}); remove it and "
                         "release with --force") from None


def write_manifest(chapters: Path, hashes: dict[str, str]) -> None:
    data = {"version": 1, "note": "written by lstm-course release; do not "
            "edit", "chapters": dict(sorted(hashes.items()))}
    (chapters / MANIFEST).write_text(json.dumps(data, indent=1) + "\n")


@dataclass
class ReleasePlan:
    """What a release would do, computed before anything is written."""

    texts: dict[str, str] = field(default_factory=dict)  # name -> new text
    manifest: dict[str, str] = field(default_factory=dict)  # name -> hash
    stale: list[str] = field(default_factory=list)  # differ from the release
    edited: list[str] = field(default_factory=list)  # not ours: keep them
    orphans: list[str] = field(default_factory=list)  # no solution behind

    @property
    def up_to_date(self) -> bool:
        return not (self.stale or self.orphans)


def plan_release(solutions: Path, chapters: Path) -> ReleasePlan:
    """Release every solution in memory and compare with chapters/.

    Raises:
        MarkerError: a malformed solution region (nothing is written then).
    """
    plan = ReleasePlan(manifest=read_manifest(chapters))
    manifest = plan.manifest
    for source in solution_notebooks(solutions):
        text = release_text(source)
        plan.texts[source.name] = text
        target = chapters / source.name
        current = (target.read_text(encoding="utf-8") if target.exists()
                   else None)
        if current == text and manifest.get(source.name) == sha256(text):
            continue
        plan.stale.append(source.name)
        if current is not None and current != text \
                and sha256(current) != manifest.get(source.name):
            plan.edited.append(source.name)
    released = set(plan.texts)
    plan.orphans = sorted(path.name for path in chapters.glob("*.ipynb")
                          if NOTEBOOK_NAME.match(path.name)
                          and path.name not in released)
    return plan


def release(solutions: Path, chapters: Path,
            force: bool = False) -> ReleasePlan:
    """Write the stale chapters, except a student's edited ones unless
    ``force``; record each written file's hash. Returns the plan."""
    plan = plan_release(solutions, chapters)
    chapters.mkdir(parents=True, exist_ok=True)
    hashes = dict(plan.manifest)
    for name in plan.stale:
        if name in plan.edited and not force:
            continue
        (chapters / name).write_text(plan.texts[name], encoding="utf-8")
        hashes[name] = sha256(plan.texts[name])
    write_manifest(chapters, {name: hashes[name] for name in plan.texts
                              if name in hashes})
    return plan
