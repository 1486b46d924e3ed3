# The two commands a person needs: `make run` (set up, collect, publish) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DB ?= data/timeline.db
PORT ?= 8001

DATASETTE_OPTIONS := --metadata datasette_metadata.json --plugins-dir plugins \
	--template-dir templates --setting sql_time_limit_ms 2000

.PHONY: setup run nightly serve retag curate evaluate-tags test format

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
	@echo "Serving the timeline on http://127.0.0.1:$(PORT)/timeline/timeline"
	$(BIN)/datasette serve $(DB) --create $(DATASETTE_OPTIONS) --host 127.0.0.1 --port $(PORT)

## retag: apply data/campaigns.yml to everything stored, without crawling
retag: setup
	$(BIN)/scrapy retag

## curate: load data/campaign_events.csv, tag_overrides.csv and notes.csv, without crawling
curate: setup
	$(BIN)/scrapy curate

## evaluate-tags: precision and recall of the campaign rules on data/tagging_evaluation.yml
evaluate-tags: setup
	$(BIN)/scrapy evaluate_tags

## test: lint, format check and the whole test suite, offline
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## format: apply the formatter
format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
