# PatentPane: `make run` starts the server, `make test` runs the whole suite.
# Both create .venv on first use and install everything the project needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install clean lint system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# LibreOffice opens the annotated copies in the fidelity tests (a second real consumer besides Word).
system-deps:
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer >/dev/null) \
	    || echo "warning: could not install libreoffice-writer; LibreOffice tests will fail"; }

# Migrations first: the server never changes the schema itself.
run: $(STAMP)
	$(BIN)/patentpane db upgrade
	$(BIN)/patentpane serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 -q

# Figures for the README (reads ../shared/corpus; about 45 minutes on 2 cores).
bench: $(STAMP)
	$(BIN)/python bench/check_speed.py
	$(BIN)/python bench/claim_dependencies.py
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/antecedent_accuracy.py
	$(BIN)/python bench/claim_checks_accuracy.py
	$(BIN)/python bench/description_checks_accuracy.py

lint: $(STAMP)
	$(BIN)/ruff check backend tests bench

clean:
	rm -rf $(VENV) .pytest_cache
