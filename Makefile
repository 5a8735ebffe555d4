# Planner – two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app planner
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test test-sqlite test-postgres bench lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

PORT ?= 5000

## make run: install, migrate, load the demo into an empty database, serve on :$(PORT)
run: $(STAMP_RUN)
	$(FLASK) db upgrade
	$(FLASK) demo load-if-empty
	@echo ""
	@echo "Planner läuft auf http://127.0.0.1:$(PORT) – Demo-Anmeldungen (Passwort: demo):"
	@echo "  admin@demo.example        Administration"
	@echo "  planung@demo.example      Sozialplanung"
	@echo "  fachplanung@demo.example  Fachplanung"
	@echo "  daten@demo.example        Datenlieferung"
	@echo "  politik@demo.example      Politik (lesend)"
	@echo ""
	PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: the whole suite on SQLite, and on PostgreSQL when PLANNER_TEST_DATABASE_URL is set
## (the two runs side by side, one core each; each run's output is shown when it ends)
TEST_TMP ?= /tmp/planner-test-$(shell id -u)
test: $(STAMP_TEST)
	@if [ -n "$$PLANNER_TEST_DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres; \
	else $(MAKE) --no-print-directory test-sqlite; \
		echo "PLANNER_TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test-sqlite: $(STAMP_TEST)
	mkdir -p $(TEST_TMP)  # pytest makes its basetemp, not the folders above it
	PLANNER_TEST_OTHER_DATABASE_URL="$$PLANNER_TEST_DATABASE_URL" env -u PLANNER_TEST_DATABASE_URL \
		$(BIN)/pytest --basetemp=$(TEST_TMP)/sqlite $(PYTEST_ARGS)

test-postgres: $(STAMP_TEST)
	mkdir -p $(TEST_TMP)
	$(BIN)/pytest --basetemp=$(TEST_TMP)/postgres $(PYTEST_ARGS)

## make bench: page timings and SQL statement counts at the scales small and kreis
bench: $(STAMP_TEST)
	$(BIN)/python -m bench.run

lint: $(STAMP_TEST)
	$(BIN)/ruff check planner tests bench config.py
	$(BIN)/ruff format --check planner tests bench config.py

format: $(STAMP_TEST)
	$(BIN)/ruff format planner tests bench config.py
	$(BIN)/ruff check --fix planner tests bench config.py

## make messages: collect every user-facing text (German source) into messages.pot for translators
messages: $(STAMP_TEST)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o messages.pot --no-location --sort-output .

clean:
	rm -rf $(VENV) .pytest_cache bench/.data
