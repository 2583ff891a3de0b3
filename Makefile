# Two commands for a fresh clone with only Python 3.11+:
#   make demo   set up .venv and run the offline demo on the embedded defaults
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo run test test-slow lint bench clean

$(BIN)/khabardar: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/khabardar
	$(BIN)/khabardar demo

run: $(BIN)/khabardar
	$(BIN)/khabardar run

test: $(BIN)/khabardar
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(BIN)/khabardar
	$(BIN)/python -m pytest -m slow

lint: $(BIN)/khabardar
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy bot

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
