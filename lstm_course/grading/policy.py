"""What an exercise cell may not do, checked on its syntax tree before it
runs, so that the student reads which name broke the rule.

An exercise must be the student's own code: it may not import or use the
package's reference or solution for it (design doc, section 6), nor reach
for modules by name at run time, which would hide such a use. This check
is the message, not the guard: the sandbox the cell runs in holds no course
code at all (:mod:`lstm_course.sandboxed.course_stub`).
"""

from __future__ import annotations

import ast

# Always off limits in an exercise cell: the registry holds every reference.
ALWAYS_BANNED = ("lstm_course.exercises", "lstm_course.grading",
                 "lstm_course.checks")
DYNAMIC = {"__import__": "__import__", "eval": "eval", "exec": "exec",
           "compile": "compile", "importlib": "importlib"}


def banned_modules(references) -> tuple[str, ...]:
    return tuple(references) + ALWAYS_BANNED


def _is_banned(module: str, banned) -> bool:
    return any(module == name or module.startswith(name + ".")
               for name in banned)


def _imported_names(tree) -> dict[str, str]:
    """name -> the dotted module path it is bound to by imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                names[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = \
                    f"{node.module}.{alias.name}"
    return names


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def syntax_problem(source: str, what: str) -> str | None:
    try:
        ast.parse(source)
    except SyntaxError as error:
        return (f"the {what} is not valid Python: {error.msg} at line "
                f"{error.lineno}")
    except (MemoryError, RecursionError, ValueError) as error:
        # Deep nesting overflows the parser; NUL bytes raise ValueError.
        return (f"the {what} cannot be parsed ({type(error).__name__}: "
                "nested too deeply or not text)")
    return None


def reference_problem(exercise_source: str, imports_source: str,
                      references) -> str | None:
    """Why this exercise cell uses what it may not, or None."""
    banned = banned_modules(references)
    tree = ast.parse(exercise_source)
    try:
        bound = _imported_names(ast.parse(imports_source))
    except (SyntaxError, MemoryError, RecursionError, ValueError):
        bound = {}
    bound.update(_imported_names(tree))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
            modules += [f"{node.module}.{a.name}" for a in node.names]
        else:
            modules = []
        for module in modules:
            if module.split(".")[0] in DYNAMIC:
                return (f"it imports {module}, which is not allowed in an "
                        "exercise cell (no imports or code built at run "
                        "time)")
            if _is_banned(module, banned):
                return (f"it imports {module}, the package's own reference "
                        "for this exercise; write the code yourself")
        if isinstance(node, ast.Name) and node.id in DYNAMIC:
            return (f"it uses {DYNAMIC[node.id]}, which is not allowed in an "
                    "exercise cell (no imports or code built at run time)")
        if isinstance(node, (ast.Name, ast.Attribute)):
            dotted = _dotted(node)
            if dotted:
                head, _, rest = dotted.partition(".")
                full = bound.get(head, head) + ("." + rest if rest else "")
                if full.startswith("sys.modules"):
                    return ("it uses sys.modules, which is not allowed in an "
                            "exercise cell (no reaching for modules at run "
                            "time)")
                if _is_banned(full, banned):
                    return (f"it uses {dotted} ({full}), the package's own "
                            "reference for this exercise; write the code "
                            "yourself")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(name in node.value for name in banned):
                return ("it names the package's own reference module in a "
                        "string; write the code yourself")
    return None
