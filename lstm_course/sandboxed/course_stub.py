"""What graded code finds where the course package would be.

The sandbox does not mount the package (its references, exercise specs and
grader stay outside), yet every chapter's imports cell imports from it.
:func:`install` puts a finder first on ``sys.meta_path`` that answers every
``lstm_course`` import with a stand-in: names can be imported and looked
up, so the imports cell runs as in the notebook, but once :func:`seal` has
been called (before the exercise cell runs) using any of them raises
:class:`CourseCodeUnavailable`, with a message that says why.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

PACKAGE = "lstm_course"
_state = {"sealed": False}


class CourseCodeUnavailable(RuntimeError):
    """Graded code used the course package, which is not there."""


def _unavailable(name: str) -> CourseCodeUnavailable:
    return CourseCodeUnavailable(
        f"{name} is the course package's code, which graded code cannot "
        "use: an exercise must be your own code (NumPy and the standard "
        "library)")


def _attribute(owner: str, attribute: str) -> "StandIn":
    """``owner.attribute``: a stand-in until sealed; dunders do not exist
    (so that ``check.__globals__`` and friends lead nowhere)."""
    if attribute.startswith("__"):
        raise AttributeError(attribute)
    if _state["sealed"]:
        raise _unavailable(f"{owner}.{attribute}")
    return StandIn(f"{owner}.{attribute}")


class StandIn:
    """Any name of the course package, in graded code."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute: str):
        return _attribute(self._name, attribute)

    def __call__(self, *args, **kwargs):
        if _state["sealed"]:
            raise _unavailable(self._name)
        return StandIn(f"{self._name}()")

    def __mro_entries__(self, bases):
        raise _unavailable(self._name)

    def __repr__(self) -> str:
        return f"<{self._name}: not available in graded code>"


class _Module(types.ModuleType):
    def __getattr__(self, attribute: str):
        return _attribute(self.__name__, attribute)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == PACKAGE or fullname.startswith(PACKAGE + "."):
            if _state["sealed"]:
                raise _unavailable(fullname)
            return importlib.machinery.ModuleSpec(fullname, self,
                                                  is_package=True)
        return None

    def create_module(self, spec):
        module = _Module(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def install() -> None:
    """Answer ``lstm_course`` imports with stand-ins from now on (any real
    course module already imported is forgotten)."""
    for name in [n for n in sys.modules
                 if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _Finder())


def seal() -> None:
    """From now on, using a stand-in raises :class:`CourseCodeUnavailable`."""
    _state["sealed"] = True
