"""``lstm-course book`` (``make book``): the course as a static website, a
page per chapter, built offline from solutions/ with their class-mode
outputs (Sphinx, MyST-NB, sphinx-book-theme, MathJax served from the site
itself).

What a student must not read there is taken out as the release takes it
out of chapters/: every solution region becomes the ``# YOUR CODE HERE``
stub, and the outputs of the exercise cells and of the check cells after
them are removed (a passing check's report would show what the answer
computes). Every page says how to run the chapter; every figure has alt
text naming the cell that drew it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from lstm_course.release import clear_solutions, solution_notebooks

EXERCISE = re.compile(r"^\s*# EXERCISE \S+")
CHECK = re.compile(r"\bcheck\(\s*[\"']ch\d\d\.")
FIGURE = re.compile(r"\b(plot\w*|imshow|subplots|figure|plt\.\w+)\(")
RUN = """````{{admonition}} Run this chapter
In the course's folder:

```text
make lab    # install the course, open JupyterLab on the chapters
make test   # run every test and notebook
```

then open `{name}`. This page shows it with the outputs of a `class`-mode
run and the exercises left for you.
````"""
CONF = '''project = "lstm-course"
author = "the lstm-course team"
extensions = ["myst_nb", "sphinx-mathjax-offline"]
html_theme = "sphinx_book_theme"
html_title = "LSTM: a course"
html_theme_options = {"show_toc_level": 2, "use_download_button": False,
                      "use_fullscreen_button": False}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]
exclude_patterns = ["_build"]
'''


def hide_answers(nb, path):
    """No output of an exercise cell or of a check cell survives."""
    for cell in nb.cells:
        if cell.cell_type == "code" and (EXERCISE.match(cell.source)
                                         or CHECK.search(cell.source)):
            cell.outputs = []
    return nb


def describe_figures(nb, path):
    """Alt text for every image output: the chapter and the code line that
    drew it (MyST-NB reads it from the cell's metadata)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not any(
                "image/png" in out.get("data", {}) for out in cell.outputs):
            continue
        lines = [line.strip() for line in cell.source.split("\n")
                 if line.strip() and not line.lstrip().startswith("#")]
        drawing = [line for line in lines if FIGURE.search(line)]
        code = (drawing or lines or ["a code cell"])[-1]
        cell.metadata.setdefault("mystnb", {})["image"] = {
            "alt": f"Figure drawn by `{code}` in {path.stem}, cell {index}"}
    return nb


def say_how_to_run(nb, path):
    """After the title, how to run the chapter."""
    at = next((i + 1 for i, c in enumerate(nb.cells)
               if c.cell_type == "markdown"), 0)
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(
        RUN.format(name=path.name)))
    return nb


TRANSFORMS = (clear_solutions, hide_answers, describe_figures, say_how_to_run)


def chapter(solution_path: Path):
    """The book's page of one chapter, as a notebook."""
    nb = nbformat.read(solution_path, as_version=4)
    for transform in TRANSFORMS:
        nb = transform(nb, solution_path)
    return nb


def index_page(pages: dict[str, object]) -> str:
    """The landing page: the two commands and the chapters' titles (each
    page's first line) in a table of contents."""
    titles = [nb.cells[0].source.split("\n")[0].lstrip("# ").strip()
              for nb in pages.values()]
    toc = "\n".join(pages)
    listing = "\n".join(f"- {t}" for t in titles)
    return f"""# LSTM: a course

A course on recurrent networks, built around Hochreiter & Schmidhuber,
"Long Short-Term Memory" (1997): the chapters as a website, with the
outputs of a `class`-mode run. To work through them, run them:

```
make lab     # install the course and open JupyterLab on the chapters
make test    # run every test and notebook
```

{listing}

```{{toctree}}
:maxdepth: 1
:hidden:

{toc}
```
"""


def build(out: Path, solutions: Path, quiet: bool = True) -> dict:
    """Build the site into ``out`` (replaced); returns its pages, size and
    build time."""
    start = time.perf_counter()
    paths = solution_notebooks(solutions)
    if not paths:
        raise FileNotFoundError(f"no chapters in {solutions}")
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch)
        (source / "conf.py").write_text(CONF, encoding="utf-8")
        pages = {path.stem: chapter(path) for path in paths}
        (source / "index.md").write_text(index_page(pages), encoding="utf-8")
        for name, nb in pages.items():
            nbformat.write(nb, source / f"{name}.ipynb")
        if out.exists():
            shutil.rmtree(out)
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W",
                   "--keep-going", "-j", "1", str(source), str(out)]
        done = subprocess.run(command + (["-q"] if quiet else []),
                              capture_output=quiet, text=True)
        if done.returncode != 0:
            raise RuntimeError("sphinx-build failed:\n"
                               + (done.stderr or "")[-4000:])
    shutil.rmtree(out / ".doctrees", ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"pages": [p.stem for p in paths], "bytes": size,
            "seconds": round(time.perf_counter() - start, 1)}
