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

.PHONY: setup run test bench train clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found" >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups --compile-bytecode
	@touch $@

setup: $(STAMP)  ## Create .venv with the locked dependencies (quick when nothing changed)
	@$(VENV)/bin/python -m compileall -q src

run: setup  ## Set up, then run Scopeline on the bundled example agreement
	$(VENV)/bin/scopeline check examples/acme-website.yaml
	$(VENV)/bin/scopeline status examples/acme-website.yaml
	$(VENV)/bin/scopeline triage --agreement examples/acme-website.yaml \
		"Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."

test: setup  ## Set up, then run every check: ruff, ruff format --check, mypy --strict, pytest
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --no-cache --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

bench: setup  ## Print the performance and quality figures
	$(VENV)/bin/python bench/cli_start.py
	$(VENV)/bin/python bench/triage.py

train: setup  ## Retrain the triage models on the corpus (after editing corpus, cues or catalogue)
	$(VENV)/bin/python scripts/train_triage.py

clean:  ## Remove the virtual environments
	rm -rf $(VENV) $(TOOLS)
