# The two commands a person needs: `make run` (set up, collect, publish) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DB ?= data/timeline.db
PORT ?= 8001

.PHONY: setup run nightly serve retag curate evaluate-tags test format bench docs

## setup: create .venv and install the pinned dependencies
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## run: collect from the live sources once, then serve the site on http://127.0.0.1:$(PORT)
run: setup
	-$(BIN)/scrapy nightly
	$(MAKE) --no-print-directory serve

## nightly: the scheduled job alone
nightly: setup
	$(BIN)/scrapy nightly

## serve: publish what is stored, without collecting
serve: setup
	@echo "Serving on http://127.0.0.1:$(PORT)/campaign/boycott-school-census (Ctrl-C stops)"
	PATH="$(CURDIR)/$(BIN):$$PATH" TIMELINE_DB=$(DB) PORT=$(PORT) bin/serve

## retag: apply data/campaigns.yml to everything stored, without crawling
retag: setup
	$(BIN)/scrapy retag

## curate: load data/campaign_events.csv, tag_overrides.csv and notes.csv, without crawling
curate: setup
	$(BIN)/scrapy curate

## evaluate-tags: precision and recall of the campaign rules on data/tagging_evaluation/ (SPLIT=dev while tuning)
SPLIT ?= all
evaluate-tags: setup
	$(BIN)/scrapy evaluate_tags --split $(SPLIT)

## test: lint, format check and the whole test suite, offline (installs Debian's Chromium
## for the browser tests when it can, or says what to install)
test: setup
	bin/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## bench: performance figures against same-run baselines (SCALE=quick|full); see bench/README.md
SCALE ?= quick
bench: setup
	$(BIN)/python -m bench.run $(SCALE)

## docs: write the README's table of sources from timeline_spiders/sources.py
docs: setup
	$(BIN)/python -m timeline_spiders.sources --write-readme README.md

## format: apply the formatter
format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
