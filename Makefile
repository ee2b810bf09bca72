# keras_recsys developer commands. `make test` and `make demo` set up a fresh
# machine themselves: they create .venv and install what they need.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BACKENDS ?= tensorflow jax torch
# CPU builds of the three backends. torch is pinned to the CPU build: an
# unpinned torch pulls a multi-GB CUDA build.
BACKEND_PKGS ?= tensorflow-cpu==2.21.0 jax==0.10.2 jaxlib==0.10.2 torch==2.13.0
PYTEST_ARGS ?=
# pytest-xdist processes per backend pass (the CI machines have 2 cores).
PYTEST_WORKERS ?= 2
STAMP := $(VENV)/.installed

# Point the code at the team's MovieLens copy when it is there.
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)),)
export KERAS_RECSYS_DATA ?= $(SHARED_DATA)
endif

.PHONY: install test test-multi-device lint format demo docs examples bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(BACKEND_PKGS)
	$(PIP) install -q -e ".[test,demo,docs]"
	touch $(STAMP)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install
	$(VENV)/bin/ruff check .
	$(PY) tools/run_tests.py --backends $(BACKENDS) -- -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(MAKE) test-multi-device

# The multi-device pass: JAX on 4 virtual CPU devices and TensorFlow on 2
# logical CPUs, each in a subprocess of tests/distribution (a few minutes).
test-multi-device: install
	$(PY) tools/run_tests.py --backends tensorflow --report multi_device -- -m multi_device tests/distribution

# Trains several recommenders on MovieLens-100K (or `DEMO_ARGS="--dataset
# synthetic"`) and prints one table; writes demo_output/results.{png,json}.
DEMO_ARGS ?=
demo: install
	$(VENV)/bin/keras-recsys demo $(DEMO_ARGS)

# Strict Sphinx build (warnings are errors) into build/docs/html.
docs: install
	$(PY) tools/build_docs.py

# Every script in examples/ in its short mode (--quick).
examples: install
	$(PY) tools/run_examples.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .test-reports
