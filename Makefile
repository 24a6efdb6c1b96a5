# Two commands on a fresh machine: `make demo` and `make test`. Both create the
# virtual environment and install the project first when needed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# Sample size per OPD source and semester for the demo data.
ROWS ?= 400
# Responses in the benchmark estate (`make bench N=10000000`).
N ?= 1000000

.PHONY: install check data demo pipeline summary test dev clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

data: check
	$(BIN)/python -m pipelines.sample_data --rows $(ROWS) --if-missing --suspicious dishub_kiosk

# The registry is checked before anything runs: a mistake stops here with file, line, source and key.
check: install
	@$(BIN)/skm check

# Every landed semester (PERIODE=2025-S2 for one). A blocked run ends with each blocking gate, its
# source and periode and the file problems behind it; the whole log is $(DAGSTER_HOME)/last_run.log.
pipeline: check
	@$(BIN)/skm run $(if $(PERIODE),--periode $(PERIODE))

# A dry run of one export through its registry entry: make check-source SOURCE=<code> FILE=<path>
.PHONY: check-source propose-source
check-source: check
	@$(BIN)/skm check-source $(SOURCE) $(FILE)

# A registry entry proposed from an export's headers: make propose-source FILE=<path>
propose-source: install
	@$(BIN)/skm propose-source $(FILE)

summary: install
	$(BIN)/python -m pipelines.publish.summary

# skm run prints the values it published; the demo ends with how far they can be trusted.
demo: chromium data pipeline
	@$(BIN)/python -m pipelines.publish.summary --trust

# Headless Chromium: prints the Laporan SKM to PDF (without it the laporan is HTML only, each PDF
# recorded as skipped) and drives the Dagster UI test (which skips its browser part without it).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && apt-get install -y -qq chromium) \
				|| echo "Could not install chromium: no laporan PDFs, and the UI test skips its browser part."; \
		else \
			echo "chromium is missing and this is not root: run 'sudo apt-get install chromium'" \
				"(without it: no laporan PDFs, and the UI test skips its browser part)."; \
		fi; }

# Java for Spark in local mode (tests/test_spark_pipeline.py, tests/test_spark_parity.py).
.PHONY: java
java:
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless) \
				|| echo "Could not install Java: the Spark parity test will fail."; \
		else \
			echo "java is missing and this is not root: run 'sudo apt-get install openjdk-17-jre-headless'."; \
		fi; }

# Two pytest-xdist workers, one module each at a time (pyproject.toml addopts; installed with the
# dev extras). `make test` with PYTEST_ADDOPTS=-n0 runs the suite in one process.
test: install chromium java
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest

# dbt's documentation site of the models (after a run): built, then served on http://127.0.0.1:8080.
.PHONY: docs status
docs: install
	@$(BIN)/skm docs

# What is published per semester, from which files, and which source is late.
status: install
	@$(BIN)/skm status

dev: check
	mkdir -p $(DAGSTER_HOME) && cp pipelines/instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data/warehouse data/published data/spark dbt_project/target dbt_project/logs

# The pipeline against the fair reference (the same work hand-written in DuckDB), with the bare index
# query and a pandas baseline beside it: artifacts/bench/bench-$(N).json (README "Speed and scale")
.PHONY: bench
bench: install
	mkdir -p artifacts/bench
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m tests.benchmark.run --rows $(N) --out artifacts/bench/work-$(N) --json artifacts/bench/bench-$(N).json
