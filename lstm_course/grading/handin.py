"""Reading a hand-in: the notebook file, its imports cell and its exercise
cells, without running anything and without ever writing to it.

A notebook that cannot be read (too large, not UTF-8, not JSON, not nbformat
4) raises :class:`HandinError` with a message for the student; a missing,
duplicated or misplaced exercise cell is recorded per exercise.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # real hand-ins are well under 5 MB
MAX_CELL_CHARS = 200_000  # the longest solution cell is under 2,000
HEADER = re.compile(r"^#\s*EXERCISE\s+(\S+)\s*$")
MAGIC = re.compile(r"^\s*[%!]")


class HandinError(Exception):
    """The hand-in cannot be graded at all; the message says why."""


@dataclass
class Handin:
    path: Path
    imports: str  # the first code cell, magics removed
    cells: dict[str, str] = field(default_factory=dict)  # id -> source
    problems: dict[str, str] = field(default_factory=dict)  # id -> why not
    unknown_ids: list[str] = field(default_factory=list)


def strip_magics(source: str) -> str:
    """IPython magics and shell escapes (``%...``, ``!...``) become comments:
    graded code is plain Python, run without IPython."""
    return "\n".join("# (removed by the grader) " + line
                     if MAGIC.match(line) else line
                     for line in source.split("\n"))


def _source(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise HandinError("a cell's source is neither text nor a list of "
                          "lines; the file is not a valid notebook")
    return source


def _header(source: str) -> str | None:
    for line in source.split("\n"):
        if line.strip():
            match = HEADER.match(line.strip())
            return match[1] if match else None
    return None


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link, a pipe or
    a device) of at most :data:`MAX_BYTES`; :class:`HandinError` if not.
    Opening a pipe cannot block, and the size is checked on what was
    opened."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        if os.path.islink(path):
            raise HandinError("the file is a symbolic link; hand in the "
                              "notebook file itself") from None
        raise HandinError(f"cannot read the file: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise HandinError("not a regular file; hand in the notebook "
                              "file itself")
        if info.st_size > MAX_BYTES:
            raise HandinError(f"the file is {info.st_size / 2**20:.0f} MB; "
                              f"hand-ins over {MAX_BYTES // 2**20} MB are "
                              "refused (clear the outputs and save again)")
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise HandinError(f"the file is over {MAX_BYTES // 2**20} MB; "
                          "hand-ins that large are refused")
    return raw


def read_notebook(path: Path) -> dict:
    """The notebook's JSON, checked to be an nbformat 4 notebook."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HandinError(f"the file is not UTF-8 text (byte "
                          f"{error.start}); notebooks are UTF-8 JSON") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise HandinError(f"the file is not valid JSON ({error.msg} at line "
                          f"{error.lineno}); was it truncated or edited by "
                          "hand?") from None
    except RecursionError:
        raise HandinError("the file's JSON is nested too deeply to be a "
                          "notebook") from None
    if not isinstance(notebook, dict):
        raise HandinError("the file is JSON but not a notebook")
    version = notebook.get("nbformat")
    if version != 4:
        raise HandinError(f"the notebook has nbformat {version!r}; open and "
                          "save it with a current Jupyter to get version 4")
    if not isinstance(notebook.get("cells"), list):
        raise HandinError("the notebook has no list of cells")
    return notebook


def _checked(source: str, what: str) -> str:
    if len(source) > MAX_CELL_CHARS:
        raise HandinError(f"{what} has {len(source):,} characters; cells "
                          f"over {MAX_CELL_CHARS:,} are refused")
    return source


def load_handin(path: Path, expected: list[str]) -> Handin:
    """Pull the imports cell and the cells of the ``expected`` exercise ids
    out of the notebook at ``path``."""
    notebook = read_notebook(path)
    code = [c for c in notebook["cells"] if isinstance(c, dict)
            and c.get("cell_type") == "code"]
    markdown = [c for c in notebook["cells"] if isinstance(c, dict)
                and c.get("cell_type") == "markdown"]
    if not code:
        raise HandinError("the notebook has no code cells")
    handin = Handin(path, strip_magics(_checked(_source(code[0]),
                                                "the imports cell")))
    found: dict[str, list[str]] = {}
    for cell in code:
        exercise_id = _header(_source(cell))
        if exercise_id:
            found.setdefault(exercise_id, []).append(
                _checked(_source(cell), f"the cell of {exercise_id}"))
    in_markdown = {_header(_source(c)) for c in markdown} - {None}
    for exercise_id in expected:
        sources = found.get(exercise_id, [])
        if len(sources) == 1:
            handin.cells[exercise_id] = strip_magics(sources[0])
        elif len(sources) > 1:
            handin.problems[exercise_id] = (
                f"{len(sources)} code cells start with '# EXERCISE "
                f"{exercise_id}'; keep exactly one")
        elif exercise_id in in_markdown:
            handin.problems[exercise_id] = (
                "the exercise is in a Markdown cell; it must be a code cell "
                f"starting with '# EXERCISE {exercise_id}'")
        else:
            handin.problems[exercise_id] = (
                f"no code cell starts with '# EXERCISE {exercise_id}'")
    handin.unknown_ids = sorted(set(found) - set(expected))
    if handin.unknown_ids:
        for exercise_id, problem in handin.problems.items():
            if problem.startswith("no code cell"):
                handin.problems[exercise_id] = (
                    f"{problem} (cells found with unknown ids: "
                    f"{', '.join(handin.unknown_ids)})")
    return handin
