"""``make lab`` as a test starts it: on a free port, with a token, on a
folder of chapters, stopped with everything it started."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    """``(status, body)``; status None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


@contextlib.contextmanager
def lab_server(scratch: Path, notebook_dir: Path | None = None):
    """Yields ``(base URL, token)`` of ``make lab`` serving ``notebook_dir``
    (default: the course's chapters/)."""
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--no-browser --ip=127.0.0.1 --port={port} "
            f"--ServerApp.port_retries=0 --IdentityProvider.token={token}")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(scratch / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"))
    log_path = scratch / "lab.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        command = ["make", "lab", f"LAB_ARGS={args}"]
        if notebook_dir is not None:
            command.append(f"LAB_DIR={notebook_dir}")
        server = subprocess.Popen(command,
                                  cwd=REPO, stdout=log,
                                  stderr=subprocess.STDOUT, env=env,
                                  start_new_session=True)
        try:
            deadline, status = time.monotonic() + 120, None
            while time.monotonic() < deadline and server.poll() is None:
                status, _ = get(f"{base}/lab?token={token}")
                if status == 200:
                    break
                time.sleep(1)
            assert status == 200, log_path.read_text()[-3000:]
            yield base, token
        finally:
            with contextlib.suppress(ProcessLookupError):  # it may have died
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
