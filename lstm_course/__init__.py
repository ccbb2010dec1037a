"""lstm_course: the helper package of the LSTM course.

Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural Computation 9(8),
1735-1780, 1997. The chapters import what they need from here::

    from lstm_course import by_mode, check, mode, seed_everything
"""

from lstm_course.checks import check
from lstm_course.modes import MODES, ModeError, by_mode, mode
from lstm_course.seeding import seed_everything

__version__ = "0.1.0"

__all__ = ["MODES", "ModeError", "by_mode", "check", "mode",
           "seed_everything", "__version__"]
