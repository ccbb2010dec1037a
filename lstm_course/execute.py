"""Execute notebooks in place with nbclient: how solutions/ gets its
committed outputs (``make solutions`` runs it in class mode)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lstm_course.modes import ENV_VAR, mode


def execute_notebook(path: Path, timeout: int = 1800) -> float:
    """Run ``path`` top to bottom in a fresh kernel, in the current mode,
    and save it with its outputs. Returns the wall time in seconds.

    The notebook is written only when every cell ran; a failing cell raises
    ``nbclient.exceptions.CellExecutionError`` and leaves the file as it was.
    """
    os.environ[ENV_VAR] = mode()  # validated first; the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds
