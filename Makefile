# The two commands of the README are `make run` and `make test`; both set up first.
# `make setup` is idempotent: it only does work when pyproject.toml or uv.lock changed.

# Django 6.1 needs Python 3.12+; scripts/find-python finds one (PATH first, then pyenv).
PYTHON := $(shell PYTHON=$(PYTHON) scripts/find-python)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
VENV := .venv
STAMP := $(VENV)/.scopeline-synced
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: setup run test test-deps messages bench train demo-cli clean help

MANAGE := $(VENV)/bin/python manage.py
# The web tests run a second time on the real PostgreSQL server (trust auth on this machine).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/scopeline

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found" >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups --compile-bytecode
	@touch $@

setup: $(STAMP) messages  ## Create .venv with the locked dependencies (quick when nothing changed)
	@$(VENV)/bin/python -m compileall -q src

messages: $(STAMP)  ## Compile the UI translations (.po -> .mo) with Babel
	@$(VENV)/bin/pybabel compile -d src/scopeline/locale -D django >/dev/null

run: setup  ## Set up, load the demo workspace into SQLite and serve the web app (and its background worker) on 127.0.0.1:8000
	@scripts/system-deps.sh pdf
	SCOPELINE_DEBUG=true $(MANAGE) migrate --noinput
	SCOPELINE_DEBUG=true $(MANAGE) seed_demo --url http://127.0.0.1:8000/
	SCOPELINE_DEBUG=true scripts/serve.sh $(VENV)/bin/python 127.0.0.1:8000

test-deps:  ## Install Chromium, Pango, CJK fonts and dovecot (IMAP) if missing; start PostgreSQL if it is not running
	@scripts/system-deps.sh
	@scripts/services.sh

test: setup test-deps  ## Set up, then run every check: ruff, ruff format --check, mypy --strict, pytest (SQLite, then the web tests on PostgreSQL)
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --no-cache --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest tests/web

bench: setup  ## Print the performance and quality figures
	$(VENV)/bin/python bench/cli_start.py
	$(VENV)/bin/python bench/triage.py
	$(VENV)/bin/python bench/replies.py
	$(VENV)/bin/python bench/web.py
	$(VENV)/bin/python bench/dashboard.py
	$(VENV)/bin/python bench/pdf.py
	@scripts/services.sh
	$(VENV)/bin/python bench/mail_queue.py
	$(VENV)/bin/python bench/api.py

train: setup  ## Retrain the triage models on the corpus (after editing corpus, cues or catalogue)
	$(VENV)/bin/python scripts/train_triage.py

demo-cli: setup  ## Run the scopeline command on the bundled example agreement
	$(VENV)/bin/scopeline check examples/acme-website.yaml
	$(VENV)/bin/scopeline status examples/acme-website.yaml
	$(VENV)/bin/scopeline triage --agreement examples/acme-website.yaml \
		"Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."

clean:  ## Remove the virtual environments
	rm -rf $(VENV) $(TOOLS)
