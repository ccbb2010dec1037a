"""Run modes: one environment variable scales every experiment of the course.

``LSTM_COURSE_MODE`` is one of

- ``smoke``: seconds per experiment, for CI and ``make test``;
- ``class`` (default): a few minutes per chapter on a 2-core laptop CPU;
- ``paper``: the scale of Hochreiter & Schmidhuber (1997), hours.

Notebooks read the mode only through :func:`mode` and :func:`by_mode`.
"""

from __future__ import annotations

import os

ENV_VAR = "LSTM_COURSE_MODE"
MODES = ("smoke", "class", "paper")
DEFAULT_MODE = "class"


class ModeError(ValueError):
    """``LSTM_COURSE_MODE`` holds a value that is not a mode."""


def mode() -> str:
    """Return the current mode: ``"smoke"``, ``"class"`` or ``"paper"``.

    Read from ``LSTM_COURSE_MODE`` at every call (unset or empty means
    ``"class"``); surrounding white space and case are ignored.

    Raises:
        ModeError: the variable holds anything else.
    """
    raw = os.environ.get(ENV_VAR, "")
    value = raw.strip().lower() or DEFAULT_MODE
    if value not in MODES:
        raise ModeError(
            f"{ENV_VAR}={raw!r} is not a mode; expected one of "
            f"{', '.join(MODES)} (unset means {DEFAULT_MODE!r})."
        )
    return value


def by_mode(*, smoke, class_, paper):
    """Pick the setting for the current mode.

    ``class_`` has a trailing underscore because ``class`` is a keyword.
    All three are required so that a notebook states every scale it runs at.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"LSTM_COURSE_MODE": "smoke"}):
    ...     by_mode(smoke=100, class_=5_000, paper=100_000)
    100
    """
    return {"smoke": smoke, "class": class_, "paper": paper}[mode()]
