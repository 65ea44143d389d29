# pql — the two commands a user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export PQL_DUCKDB_PATH ?= $(CURDIR)/pql.duckdb
DEMO_ARGS ?= --accounts 2000 --days 180 --seed 42
BENCH_ARGS ?=
REPORT ?= $(CURDIR)/target/pql_report.html

.PHONY: help venv demo report screenshot browser test lint pytest test-engines test-spark bench docs clean production-run

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with the pinned dependencies

demo: $(STAMP)  ## generate the demo warehouse, dbt build it, print a summary, write the report
	@# A new demo warehouse each time, so the build is a first run: plain `dbt build`, no prior step.
	rm -f $(PQL_DUCKDB_PATH) $(PQL_DUCKDB_PATH).wal
	$(BIN)/python -m pql_demo --db $(PQL_DUCKDB_PATH) $(DEMO_ARGS)
	$(BIN)/dbt build
	$(BIN)/python -m pql_tools.summary --db $(PQL_DUCKDB_PATH)
	$(BIN)/python -m pql_tools.report --db $(PQL_DUCKDB_PATH) --out $(REPORT)

report: $(STAMP)  ## write the analyst report (one offline HTML file, REPORT=path) from the built warehouse
	$(BIN)/python -m pql_tools.report --db $(PQL_DUCKDB_PATH) --out $(REPORT)

screenshot: report  ## regenerate docs/img/report.png from the report (run make demo first)
	scripts/browser.sh >/dev/null
	$(BIN)/python -m pql_tools.report.browser $(REPORT) --screenshot docs/img/report.png --clip-height 1560

lint: $(STAMP)  ## ruff and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PQL_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint models macros analyses data-tests

browser:  ## Debian chromium for the report's browser test (installed when missing)
	scripts/browser.sh >/dev/null

pytest: $(STAMP) browser  ## the DuckDB test suite (builds the project into temporary DuckDB files)
	$(BIN)/python -m pytest

test-engines: $(STAMP)  ## the project on PostgreSQL and a local Spark; dbt-databricks parse
	scripts/engines/run_postgres_suite.sh
	scripts/engines/databricks_parse.sh
	scripts/engines/spark.sh

test-spark: $(STAMP)  ## the project on a local Spark only (also part of make test-engines)
	scripts/engines/spark.sh

test: lint pytest test-engines  ## lint, the DuckDB suite and the engine suites (what .ci/run calls)

bench: $(STAMP)  ## benchmark full and incremental builds at ~1M and ~10M events
	$(BIN)/python -m pql_tools.bench $(BENCH_ARGS)

production-run: $(STAMP)  ## the scheduled run: freshness, build (selector production_run), sync (docs/running.md)
	scripts/production_run.sh

docs: $(STAMP)  ## dbt docs generate
	$(BIN)/dbt docs generate

clean:  ## remove build output and the demo warehouse
	rm -rf target logs pql.duckdb pql.duckdb.wal
