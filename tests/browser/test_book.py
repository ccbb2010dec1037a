"""The course book (`make book`), built and read in a real browser: every
page loads without errors and without reaching outside the site, its
equations are typeset, its figures load and have alt text, it says how to
run the chapter, and no line of any solution appears anywhere in the site.
Each check is also shown failing on a planted fault."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import importlib.util
import os
import re
import shutil
import threading
from pathlib import Path

import nbformat
import pytest

from lstm_course.markers import find_marker
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _book_tools():
    missing = [m for m in ("sphinx", "myst_nb", "sphinx_book_theme")
               if importlib.util.find_spec(m) is None]
    if missing:
        if os.environ.get("CI"):
            raise RuntimeError(f"{missing} missing on CI: .ci/run installs "
                               "the book extra")
        pytest.skip(f"the book's tools are not installed ({missing}): pip "
                    "install -e '.[book]'")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _book_tools()
    from lstm_course.book import build

    out = tmp_path_factory.mktemp("book") / "site"
    built = build(out, REPO / "solutions")
    assert built["pages"] and (out / "index.html").exists()
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- no solution leaks -------------------------------------------------------

def solution_lines() -> set[str]:
    """Every line inside a solution region of solutions/, stripped, that
    says something (not a bracket or a bare return) and is not also in the
    released chapters outside the regions."""
    released = "\n".join(p.read_text() for p in (REPO / "chapters").glob(
        "*.ipynb"))
    lines = set()
    for path in sorted((REPO / "solutions").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, 4).cells:
            inside = False
            for line in cell.source.split("\n"):
                marker = find_marker(line)
                if marker:
                    inside = "BEGIN" in line
                    continue
                text = line.strip()
                if inside and len(text) >= 16 and json_text(text) not in \
                        released:
                    lines.add(text)
    return lines


def json_text(line: str) -> str:
    """A line as it is written inside a notebook's JSON."""
    import json

    return json.dumps(line)[1:-1]


def site_text(folder: Path) -> dict[str, str]:
    """Each text file of the site as a reader would see it: tags removed,
    entities decoded, whitespace runs as one space."""
    texts = {}
    for path in folder.rglob("*"):
        if path.suffix in (".html", ".js", ".txt", ".ipynb", ".json", ".md") \
                and "mathjax" not in path.parts:
            raw = path.read_text(encoding="utf-8", errors="replace")
            text = html.unescape(re.sub(r"<[^>]+>", "", raw))
            texts[str(path.relative_to(folder))] = re.sub(r"\s+", " ", text)
    return texts


def leaks(folder: Path, lines: set[str]) -> list[str]:
    texts = site_text(folder)
    found = []
    for line in sorted(lines):
        needle = re.sub(r"\s+", " ", line)
        found += [f"{name}: {line}" for name, text in texts.items()
                  if needle in text]
    return found


def test_no_solution_line_appears_anywhere_in_the_site(site):
    lines = solution_lines()
    assert len(lines) > 50  # the regions hold real code
    assert leaks(site, lines) == []


def test_a_leaked_solution_line_is_found(site, tmp_path):
    planted = tmp_path / "site"
    shutil.copytree(site, planted, ignore=shutil.ignore_patterns("mathjax"))
    line = sorted(solution_lines())[0]
    page = planted / "01_rnn_bptt.html"
    page.write_text(page.read_text().replace(
        "</article>", f"<pre><span>{html.escape(line)}</span></pre></article>"))
    assert leaks(planted, {line}) == [f"01_rnn_bptt.html: {line}"]


# --- in the browser ----------------------------------------------------------

RAW_TEX = r"""() => {
  const article = document.querySelector("article") || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll("pre, code, mjx-container, script, style")
      .forEach(node => node.remove());
  const text = copy.textContent;
  const raw = text.match(/\$\$[^$]+\$\$|\$[^$\s][^$]*\$|\\\(|\\\[|\\begin\{/g);
  return raw ? raw.slice(0, 3) : [];
}"""
IMAGES = r"""() => Array.from(document.images).map(img => ({
  src: img.getAttribute("src"), loaded: img.complete && img.naturalWidth > 0,
  alt: img.getAttribute("alt") || ""}))"""


def page_problems(browser, url: str, base: str, math: bool) -> list[str]:
    """What is wrong with the page at ``url``: console errors, requests
    leaving ``base``, raw TeX left, no typeset math where ``math``, images
    that did not load or have no alt text."""
    problems = []
    page = browser.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(
        f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))

    def route(request_route):
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            problems.append(f"outside request: {request_route.request.url}")
            request_route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    if math:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup"
            ".promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        if page.locator("mjx-container").count() == 0:
            problems.append("no typeset equation")
    raw = page.evaluate(RAW_TEX)
    if raw:
        problems.append(f"untypeset TeX: {raw}")
    for image in page.evaluate(IMAGES):
        if not image["loaded"]:
            problems.append(f"image did not load: {image['src']}")
        if not image["alt"].strip():
            problems.append(f"image without alt text: {image['src']}")
    page.close()
    return problems


def test_every_page_loads_typeset_and_offline_with_its_figures(
        site, browser, screenshots):
    chapters = sorted(p.name for p in site.glob("[0-9][0-9]_*.html"))
    assert len(chapters) == 7
    with serve(site) as base:
        for name in ["index.html", *chapters]:
            problems = page_problems(browser, f"{base}/{name}", base,
                                     math=name != "index.html")
            assert problems == [], (name, problems)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{base}/03_lstm1997.html")
        page.evaluate("() => MathJax.startup.promise")
        page.screenshot(path=screenshots / "book-03.png")
        page.close()
    texts = site_text(site)
    for name in chapters:
        assert "Run this chapter" in texts[name], name
        assert "make lab # install the course" in texts[name], name
        assert "YOUR CODE HERE" in texts[name], name


def test_untypeset_math_a_broken_image_and_an_outside_request_are_seen(
        browser, tmp_path):
    (tmp_path / "bad.html").write_text(
        "<html><body><article><p>The CEC: $s_c(t) = s_c(t-1) + y g$.</p>"
        '<img src="missing.png"><img alt="x" src="https://example.org/a.png">'
        "</article></body></html>")
    with serve(tmp_path) as base:
        problems = page_problems(browser, f"{base}/bad.html", base,
                                 math=False)
    text = "\n".join(problems)
    assert "untypeset TeX: ['$s_c(t) = s_c(t-1) + y g$']" in text
    assert "image did not load: missing.png" in text
    assert "image without alt text: missing.png" in text
    assert "outside request: https://example.org/a.png" in text
