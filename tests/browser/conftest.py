"""A headless Chromium for the browser tests: Debian's ``chromium`` (or
``$CHROMIUM``) driven by Playwright's Python API; no browser is downloaded.
On CI both must be there (``.ci/run`` installs them); elsewhere the tests
are skipped without them. Screenshots go to ``$BROWSER_SCREENSHOTS``, else
to a folder the test prints."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium",
                      "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if executable is None or sync_playwright is None:
        missing = "chromium" if executable is None else "playwright"
        if os.environ.get("CI"):
            raise RuntimeError(f"{missing} is missing on CI: .ci/run installs "
                               "it")
        pytest.skip(f"{missing} is not installed (apt-get install chromium; "
                    "pip install playwright)")
    with sync_playwright() as playwright:
        # As root (containers, CI) Chromium's own sandbox cannot start.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=executable,
                                              args=args)
        yield launched
        launched.close()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder
