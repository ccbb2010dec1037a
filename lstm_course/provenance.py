"""Where a measured number came from: the machine and versions, stamped
into every results file (benchmarks, ``lstm-course reproduce``)."""

from __future__ import annotations

import os
import platform


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
