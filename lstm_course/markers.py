"""Solution regions in notebook cells: ``### BEGIN SOLUTION`` ... ``### END
SOLUTION`` (nbgrader's convention), found and replaced for release."""

from __future__ import annotations

import re

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (BEGIN|END) SOLUTION)"
                     r"[ \t]*$")


class MarkerError(ValueError):
    """A solution marker is unclosed, nested, stray or in the wrong place."""

    def __init__(self, path, cell: int, line: int, problem: str):
        self.path, self.cell, self.line = path, cell, line
        super().__init__(f"{path}: cell {cell}, line {line}: {problem}")


def find_marker(line: str):
    """``(indent, marker)`` if the line is a marker line, else None.

    A line that mentions a marker but holds anything else (e.g. inside a
    string) is an error rather than silently ignored.
    """
    match = _MARKER.match(line)
    if match:
        return match["indent"], match["marker"]
    if BEGIN in line or END in line:
        return "", None
    return None


def replace_solutions(source: str, path="<notebook>", cell: int = 0) -> str:
    """Replace every solution region of a code cell's source with the stub.

    The stub keeps the BEGIN marker's indentation, so a region inside a
    function body leaves a valid body behind.

    Raises:
        MarkerError: unclosed, nested or stray markers, or a marker line with
            other text on it.
    """
    lines, opened_at, indent = [], None, ""
    for number, line in enumerate(source.split("\n"), start=1):
        found = find_marker(line)
        if found is None:
            if opened_at is None:
                lines.append(line)
            continue
        found_indent, marker = found
        if marker is None:
            raise MarkerError(path, cell, number, "a solution marker must be "
                              f"alone on its line: {line.strip()!r}")
        if marker == BEGIN:
            if opened_at is not None:
                raise MarkerError(path, cell, number, f"nested {BEGIN!r}: the "
                                  f"region opened on line {opened_at} is "
                                  "not closed")
            opened_at, indent = number, found_indent
        else:
            if opened_at is None:
                raise MarkerError(path, cell, number,
                                  f"stray {END!r} with no {BEGIN!r} before it")
            lines.extend(indent + stub for stub in STUB)
            opened_at = None
    if opened_at is not None:
        raise MarkerError(path, cell, opened_at,
                          f"unclosed {BEGIN!r}: no {END!r} follows it")
    return "\n".join(lines)


def has_marker(source: str) -> bool:
    return BEGIN in source or END in source
