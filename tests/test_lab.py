"""`make lab LAB_ARGS=--no-browser` starts JupyterLab on chapters/, with the
course's settings."""

import json

import pytest

from tests.lab_server import get, lab_server


@pytest.mark.slow
def test_make_lab_serves_the_lab_page_on_chapters(tmp_path):
    with lab_server(tmp_path) as (base, token):
        status, body = get(f"{base}/api/contents?token={token}")
        assert status == 200 and "01_rnn_bptt.ipynb" in body
        # the course's overrides: no news or update prompt for students
        status, body = get(f"{base}/lab/api/settings/@jupyterlab/"
                           f"apputils-extension:notification?token={token}")
        # (overrides become the schema's defaults)
        defaults = {name: spec["default"] for name, spec in
                    json.loads(body)["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false"
        assert defaults["checkForUpdates"] is False
    assert get(f"{base}/lab")[0] is None  # stopped
