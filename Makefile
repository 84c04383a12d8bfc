# mvcalc — every target bootstraps .venv itself on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
COURSE_STAMP := $(VENV)/.installed-course
COURSE_DIR ?= mvcalc-course

SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: demo test lint bench clean chromium course

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The bench extra: PyTorch's CPU build is pinned first so that pip does not pull CUDA wheels.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0' || echo "PyTorch not installable here: its row is skipped"
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' || echo "bench extra incomplete: missing peers are skipped"
	touch $@

## demo: both course assignments end to end, figures written to out/
demo: $(STAMP)
	@mkdir -p out
	$(BIN)/mvcalc backprop --out out/backprop.png
	$(BIN)/mvcalc heights --out-dir out

# The course extra: JupyterLab, beside the core (the grader itself needs only the core).
$(COURSE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[course]'
	touch $@

## course: the course's notebooks in $(COURSE_DIR)/ (your work there is kept), opened in JupyterLab
course: $(COURSE_STAMP)
	$(BIN)/mvcalc course $(COURSE_DIR)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(COURSE_DIR) \
		--LabApp.extension_manager=readonly \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		$(if $(filter 0,$(shell id -u)),--allow-root)

## lint: ruff (check + format) and mypy
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

## chromium: Debian's Chromium for the browser tests (installed when missing)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## test: lint, then the whole suite (unit, property-based, doctests, CLI, the lab in Chromium)
test: lint chromium
	$(BIN)/python -m pytest

## bench: speed against peers, measured in one process
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_backprop.py
	$(BIN)/python benchmarks/bench_fit.py
	$(BIN)/python benchmarks/bench_nist.py
	$(BIN)/python benchmarks/bench_jacobian.py
	$(BIN)/python benchmarks/bench_grad.py
	$(BIN)/python benchmarks/bench_classifier.py
	$(BIN)/python benchmarks/bench_mgh.py
	$(BIN)/python benchmarks/bench_sandpit.py
	$(BIN)/python benchmarks/bench_lab.py
	$(BIN)/python benchmarks/bench_startup.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
