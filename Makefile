# Onsite — one entry point for a fresh machine: `make run` serves, `make test` tests.
# Every target installs what is missing first and is a no-op when nothing is.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV   := .venv
PY     := $(VENV)/bin/python
ONSITE := $(VENV)/bin/onsite
STAMPS := .stamps
CLIENT_SRC := $(shell find client -path client/node_modules -prune -o -path client/dist -prune -o -type f -print 2>/dev/null)

.PHONY: help setup system venv client docker images runner-docker postgres coturn run test test-fast lint bench clean

help:
	@echo "make run    set up what is missing, build images and the client, serve on http://127.0.0.1:8000"
	@echo "make test   set up what is missing, then run the whole test suite (Docker, SQLite, PostgreSQL, Chromium)"
	@echo "make bench  benchmarks (engine, room); prints tables"
	@echo "make lint   ruff + mypy"

system:
	@bash scripts/ensure-system.sh

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "==> installing Python packages into $(VENV)"
	@$(PY) -m pip install -q --upgrade pip 2>/dev/null
	@$(PY) -m pip install -q -e '.[dev]' 2>&1 | grep -v -E '^WARNING: Location' || true
	@$(PY) -c 'import quart, socketio, pycrdt, docker, sqlalchemy' 
	@touch $@
venv: $(STAMPS)/venv

client/node_modules/.onsite-installed: client/package.json client/package-lock.json
	@echo "==> installing the browser app's packages (npm ci)"
	@cd client && npm ci --no-audit --no-fund
	@touch $@

client/dist/index.html: $(CLIENT_SRC) client/node_modules/.onsite-installed
	@echo "==> building the browser app (client/)"
	@cd client && npm run build
client: system client/dist/index.html

docker: system
	@bash scripts/ensure-dockerd.sh

images: venv docker
	@$(ONSITE) images build --missing

# Runner host 2 for the run-queue tests and bench: a second dockerd (own socket, data root, no
# bridge) with the images it needs, loaded from the main engine when missing.
runner-docker: images
	@bash scripts/ensure-runner-dockerd.sh

postgres: system
	@bash scripts/ensure-postgres.sh

setup: system venv client docker images

coturn: system venv
	@bash scripts/ensure-coturn.sh $(ONSITE)

run: setup coturn
	@$(ONSITE) serve

test: setup postgres runner-docker
	@echo "==> client unit tests (vitest)"
	@cd client && npm test --silent
	@echo "==> Python test suite (engine, server, room, browser)"
	@source scripts/test-env.sh && bash scripts/run-pytest.sh $(PY) $(PYTEST_ARGS)

test-fast: venv
	@$(PY) -m pytest -m "not docker and not browser" $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check server runners tests
	@$(VENV)/bin/mypy
	@cd client && npm run --silent typecheck

bench: setup postgres runner-docker
	@source scripts/test-env.sh && for b in tests/bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(STAMPS) client/dist
