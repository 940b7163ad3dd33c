# Working on kaggle-starter itself (the engine in src/, the template beside it). `make test`
# installs what it needs.

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export OMP_NUM_THREADS := 1
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install test coverage lint demo bench bench-serve clean

help: ## list every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(VENV)/.installed ## create .venv: the engine (editable), the template's tools, a project's dev tools

$(VENV)/.installed: pyproject.toml requirements-dev.txt {{cookiecutter.project_slug}}/pyproject.toml \
		scripts/project_requirements.py
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -e '.[mlflow,dask]' -r requirements-dev.txt
	$(PY) scripts/project_requirements.py palmerpenguins > $(VENV)/project-requirements.txt
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r $(VENV)/project-requirements.txt
	@touch $@

test: install ## run every test on both cores: the engine's units in place, then the template's renders and journeys
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

coverage: install ## the engine's unit tests with line coverage of src/kaggle_starter
	$(PY) -m pytest tests/engine -q --cov=kaggle_starter --cov-report=term:skip-covered

lint: install ## ruff on the engine and the template's own code (a project's own is checked by the tests)
	$(PY) -m ruff check src tests scripts benchmarks local_extensions.py
	$(PY) -m ruff format --check src tests scripts benchmarks local_extensions.py

demo: install ## render ./demo on the embedded penguins data, run its whole pipeline offline, try the service, build its site
	$(PY) scripts/demo.py demo
	$(MAKE) --no-print-directory -C demo/palmer-penguins site PYTHON=$(abspath $(PY))

bench: install ## print render and pipeline benchmarks as markdown tables
	$(PY) benchmarks/run.py

bench-serve: install ## load-test `make serve` on 127.0.0.1 (1 then 8 clients), a markdown table
	$(PY) benchmarks/serve_load.py

clean: ## remove the demo, caches and the environment
	rm -rf demo .pytest_cache .ruff_cache $(VENV)
