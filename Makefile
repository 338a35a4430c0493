# The README's commands. Everything installs itself; nothing here needs a manual step.
# The interpreter the venv is made from: the distribution's python3 when it is 3.11 or newer and can make
# venvs, else the python3 on PATH; `make PYTHON=/path/to/python3` picks another. Distributions (and the
# official Docker image the Dockerfile starts from) build CPython with profile-guided and link-time
# optimisation; a build from source with default options (pyenv's, for one) has neither, and extracts
# 1.1-1.25x slower (README, "Benchmarks"). Taken when the venv is first made.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
# The evaluation sets `make bench-extract` times and primes with (kept outside the project).
EVAL   ?= ../shared/eval/dev

.PHONY: install es-start es-stop demo test lint format openapi bench bench-extract clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

es-start: install
	$(BIN)/conflictwire es start

es-stop: install
	$(BIN)/conflictwire es stop

# Local Elasticsearch + the sample corpus indexed + the API on http://127.0.0.1:$(PORT) (Ctrl-C stops the API).
demo: install
	$(BIN)/conflictwire es start
	$(BIN)/conflictwire index data/sample
	@echo ""
	@echo "API on http://127.0.0.1:$(PORT)  (interactive reference: http://127.0.0.1:$(PORT)/docs)"
	@echo "Try:"
	@echo "  curl -s 'http://127.0.0.1:$(PORT)/v1/events?event_type=ASSAULT&place=Idlib&from=2020-02-20&to=2020-02-28&min_fatalities=1&sort=-date'"
	@echo "  curl -s 'http://127.0.0.1:$(PORT)/v1/articles?q=%22air+strike%22&actor=regime+forces&facets=place,actor'"
	@echo "  curl -s 'http://127.0.0.1:$(PORT)/v1/stats/timeline?interval=month&metric=fatalities&country=SY'"
	@echo ""
	$(BIN)/conflictwire serve --bind 127.0.0.1:$(PORT)

# The whole suite against a real node: starts one if none runs, and stops it afterwards if it started it.
test: install
	@started=0; \
	if ! $(BIN)/conflictwire es status >/dev/null 2>&1; then \
	  $(BIN)/conflictwire es start || exit 1; started=1; \
	fi; \
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$started = 1 ]; then $(BIN)/conflictwire es stop; fi; \
	exit $$rc

lint: install
	$(BIN)/ruff check api indexer tests
	$(BIN)/ruff format --check api indexer tests

format: install
	$(BIN)/ruff format api indexer tests
	$(BIN)/ruff check --fix api indexer tests

openapi: install
	$(BIN)/conflictwire openapi --output openapi.yaml

bench: install
	@started=0; \
	if ! $(BIN)/conflictwire es status >/dev/null 2>&1; then \
	  $(BIN)/conflictwire es start || exit 1; started=1; \
	fi; \
	$(BIN)/conflictwire bench all; rc=$$?; \
	if [ $$started = 1 ]; then $(BIN)/conflictwire es stop; fi; \
	exit $$rc

# The speed target's reading: real ~680-word articles (voa) the process has not met, after priming with the
# other sets' 1,817 records, which share no text with them; the first round is timed again in forked children
# and in new interpreters (README, "Benchmarks").
bench-extract: install
	@test -f $(EVAL)/voa.input.jsonl || { echo "bench-extract: no $(EVAL)/voa.input.jsonl (set EVAL=...)" >&2; exit 2; }
	$(BIN)/conflictwire bench extract --input $(EVAL)/voa.input.jsonl --articles 400 \
	  --prime $(EVAL)/acled.input.jsonl --prime $(EVAL)/case2021.input.jsonl --prime $(EVAL)/ipe.input.jsonl \
	  --fork-rounds 3 --fresh-rounds 5

clean:
	-$(BIN)/conflictwire es stop
	rm -rf .data search-engine/target
