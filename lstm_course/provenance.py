"""Where a measured number came from: the machine and versions, stamped
into every results file (benchmarks, ``lstm-course reproduce``)."""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path


def machine() -> dict:
    """Python, platform, CPU count and the versions that change results."""
    import keras
    import numpy

    info = {"python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "keras": keras.__version__, "backend": keras.backend.backend(),
            "numpy": numpy.__version__}
    if info["backend"] == "tensorflow":
        import tensorflow

        info["tensorflow"] = tensorflow.__version__
    return info


def write_results(path: Path, **payload) -> None:
    """``path`` as JSON: the command that ran (``python`` and this process's
    arguments), the machine, the date, then ``payload``; says where it
    went. Every benchmark writes its results through this."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "command": shlex.join(["python", *sys.argv]), "machine": machine(),
        "date": time.strftime("%Y-%m-%d"), **payload}, indent=1) + "\n")
    print(f"wrote {path}")
