"""`make lab LAB_ARGS=--no-browser` starts JupyterLab on chapters/."""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


@pytest.mark.slow
def test_make_lab_serves_the_lab_page_on_chapters(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--no-browser --ip=127.0.0.1 --port={port} "
            f"--ServerApp.port_retries=0 --IdentityProvider.token={token}")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=REPO,
                              stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    try:
        deadline, status = time.monotonic() + 120, None
        while time.monotonic() < deadline and server.poll() is None:
            status, _ = get(f"http://127.0.0.1:{port}/lab?token={token}")
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, (tmp_path / "lab.log").read_text()[-3000:]
        status, body = get(f"http://127.0.0.1:{port}/api/contents"
                           f"?token={token}")
        assert status == 200 and "01_rnn_bptt.ipynb" in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    assert get(f"http://127.0.0.1:{port}/lab")[0] is None  # stopped
