# The course's commands. `make lab` and `make test` need only Python 3.10+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
# Jupyter refuses to run as root without this flag (containers, CI runners).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
STAMP := $(VENV)/.installed

.PHONY: lab test test-units test-notebooks release release-check solutions grade bench reproduce clean

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=chapters $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest --nbval-lax -q

test-units: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest -q tests

test-notebooks: $(STAMP)
	LSTM_COURSE_MODE=smoke $(BIN)/python -m pytest --nbval-lax -q solutions

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

bench: $(STAMP)
	$(BIN)/python benchmarks/chapter_times.py

# The paper-mode runs of chapter 04 (hours), e.g. make reproduce ROWS="2c:1000 4:100" JOBS=16
ROWS ?=
JOBS ?= 1
reproduce: $(STAMP)
	$(BIN)/python benchmarks/reproduce_1997.py --jobs $(JOBS) $(if $(ROWS),--rows $(ROWS),)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is needed, found " + sys.version.split()[0] + ": set PYTHON=python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) *.egg-info
