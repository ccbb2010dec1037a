"""pytest at the repository root: tests/ and the nbval run of solutions/.

Smoke mode unless the caller chose another, so that a plain ``pytest`` (like
``make test``) runs every notebook at its smoke size; the notebook kernels
inherit the variable.
"""

import os

os.environ.setdefault("LSTM_COURSE_MODE", "smoke")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
