# The course's commands. `make lab` and `make test` need only Python 3.10+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
# The folder JupyterLab opens on (tests open a copy).
LAB_DIR ?= chapters
# Jupyter refuses to run as root without this flag (containers, CI runners).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
STAMP := $(VENV)/.installed
# Extras to install: CI adds `ray` to test the 1997 suite on a local Ray.
EXTRAS ?= test

.PHONY: lab book test test-class mutation test-units test-backends test-notebooks release release-check solutions grade bench reproduce torch clean

# The course's JupyterLab settings (lstm_course/lab/overrides.json): no news
# or update prompts for students.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) --LabApp.app_settings_dir=lstm_course/lab $(ROOT_FLAG) $(LAB_ARGS)

# The course as a static website in _build/book (offline: Sphinx, MyST-NB,
# sphinx-book-theme and MathJax from the package index).
book:
	test -x $(BIN)/python || $(MAKE) $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[book]'
	$(BIN)/lstm-course book --out _build/book
	@echo "open _build/book/index.html"

# Everything on TensorFlow, then the cells and models again on JAX, each in
# parallel (pytest-xdist): a test file, or a notebook's cells, stay together
# on one worker, in order. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest --nbval-lax -q $(PYTEST_PARALLEL)
	KERAS_BACKEND=jax LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) $(BACKEND_TESTS)

# The cell and model tests on every installed backend (PyTorch: `make torch`).
BACKEND_TESTS := tests/cells tests/models tests/test_autodiff.py
test-backends: $(STAMP)
	@for backend in tensorflow jax torch; do \
	  if $(BIN)/python -c "import $$backend" 2>/dev/null; then \
	    echo "== KERAS_BACKEND=$$backend"; \
	    KERAS_BACKEND=$$backend LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest -q $(BACKEND_TESTS) || exit 1; \
	  else echo "== $$backend not installed: skipped"; fi; \
	done

# Optional: PyTorch as a CPU-only build (no CUDA wheels on a CPU machine).
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu

# The lesson claims at class scale: every solution in class mode with its
# asserts (about 15 min; part of `make bench`, not of CI). Commit
# benchmarks/results/test_class.*: a test holds them to the notebooks.
test-class: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/test_class.py

# Mutation testing (mutmut; modules and tests in pyproject's [tool.mutmut]):
# hours on 2 cores the first time, then only what changed. Writes
# benchmarks/results/mutation.{json,md}.
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	LSTM_COURSE_MODE=smoke OMP_NUM_THREADS=1 $(BIN)/mutmut run
	$(BIN)/python benchmarks/mutation.py

test-units: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) tests

test-notebooks: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest --nbval-lax -q $(PYTEST_PARALLEL) solutions

# Instructors: regenerate chapters/ from solutions/ (never edit chapters/).
release: $(STAMP)
	$(BIN)/lstm-course release

release-check: $(STAMP)
	$(BIN)/lstm-course release --check

# Instructors: execute solutions/ in place in class mode (the committed outputs).
solutions: $(STAMP)
	LSTM_COURSE_MODE=class $(BIN)/lstm-course run-solutions

# Instructors: grade collected hand-ins, e.g. make grade HANDINS=class/ OUT=grades
HANDINS ?= chapters
OUT ?= grades
grade: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/lstm-course grade $(HANDINS) --json $(OUT)/grades.json --csv $(OUT)/gradebook.csv --feedback-dir $(OUT)/feedback --junit $(OUT)/junit.xml

# Speed: cells vs their Keras twins on every installed backend, each chapter
# in smoke and class mode, `make test`, and the grader (results/ : JSON, .md).
# make test first: it holds summary.md to the committed cell_speed result and
# the README's chapter times to chapter_times.json, which the runs replace
# (summary.py rewrites both).
bench: $(STAMP)
	$(BIN)/python benchmarks/test_time.py
	$(BIN)/python benchmarks/cell_speed.py
	$(BIN)/python benchmarks/chapter_times.py
	$(MAKE) test-class
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/summary.py

# The paper-mode runs of chapter 04 (hours), e.g. make reproduce ROWS="2c:1000 4:100" JOBS=16
# REPRODUCE_ARGS="--optimizer adam --learning-rate 0.01 --trials 3"
ROWS ?=
JOBS ?= 1
REPRODUCE_ARGS ?=
reproduce: $(STAMP)
	$(BIN)/python benchmarks/reproduce_1997.py --jobs $(JOBS) $(if $(ROWS),--rows $(ROWS),) $(REPRODUCE_ARGS)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is needed, found " + sys.version.split()[0] + ": set PYTHON=python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) *.egg-info
