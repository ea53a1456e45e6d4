# Two commands for a fresh machine with only Python 3.11+ and the package registry:
#   make run    set up .venv if needed, run the pipeline on data/raw/ into data/processed/
#   make test   set up .venv if needed, run every test
# uv is bootstrapped into .tools/ with pip (it is not assumed to be installed).

PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
SOURCE ?= data/raw
DEST   ?= data/processed

# Bytecode matters here: without it Prefect's server import takes 10-15 s instead of 5-7 s.
export UV_COMPILE_BYTECODE := 1
# Use the machine's Python; never download an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: setup run test bench accel clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.9,<1"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

run: setup
	$(VENV)/bin/newsfacts run --source $(SOURCE) --dest $(DEST)

test: setup
	$(VENV)/bin/python -m pytest -q

# Optional: the hot transforms compiled with Cython (same source, same output; needs a C compiler).
accel: setup
	$(UV) run --frozen --group accel python scripts/build_accel.py

N ?= 20000
# The benchmark builds the compiled transforms first when it can, and runs pure Python when it cannot.
bench: setup
	-$(MAKE) --no-print-directory accel
	$(VENV)/bin/python benchmarks/run.py --articles $(N) --json benchmarks/results.json

clean:
	rm -rf $(VENV) $(TOOLS) $(DEST)/*/ .pytest_cache .hypothesis .accel
