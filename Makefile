# FabTown Bochum: `make run` serves the site, `make test` runs the whole suite (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# DATABASE_URL wins; without it the embedded cluster of scripts/localdb is used. Evaluated by
# the shell when a recipe runs, after the cluster exists.
WITH_DB = DATABASE_URL="$${DATABASE_URL:-$$(scripts/localdb url)}"
MANAGE = $(WITH_DB) $(PY) manage.py

.PHONY: bench benchmark run test setup system-deps venv db stop migrate data static translations check lint format \
	backup restore

run: setup data static
	@$(MANAGE) ensure_local_admin
	@echo "FabTown Bochum runs at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Stop with Ctrl-C; 'make stop' stops the database."
	@# One task-queue worker beside the server (e-mails, daily jobs), started again if it stops
	@# (it leaves when the database restarts); it stops with the server.
	@( trap 'kill $$child 2>/dev/null; exit 0' TERM; \
		while true; do $(MANAGE) procrastinate worker & child=$$!; wait $$child; sleep 2; done ) & \
		worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
		$(MANAGE) runserver $(HOST):$(PORT)

test: setup check node_modules/.installed
	@FABTOWN_TESTING=1 $(WITH_DB) $(VENV)/bin/pytest $(PYTEST_ARGS)

# axe-core for the accessibility checks of the browser tests
node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent
	@touch $@

setup: system-deps venv db translations migrate

system-deps:
	@scripts/system-deps

venv: $(VENV)/.installed

# Reinstalled only when pyproject.toml changes, so a second run is quick.
$(VENV)/.installed: pyproject.toml
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

db:
	@if [ -z "$$DATABASE_URL" ]; then scripts/localdb start; fi

stop:
	@scripts/localdb stop

migrate:
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) createcachetable

# Only the database and the venv: a backup must not migrate or load anything first.
# The last line of `make backup` is the new file's path (BACKUP_DIR, default backups/).
backup: venv db
	@$(MANAGE) backup_database

# make restore BACKUP=backups/<file>.dump asks before it replaces the database; NO_INPUT=1 does
# not ask (for scripts).
restore: venv db
	@if [ -z "$(BACKUP)" ]; then echo "usage: make restore BACKUP=backups/<file>.dump" >&2; exit 2; fi
	@$(MANAGE) restore_database $(if $(NO_INPUT),--no-input) "$(BACKUP)"

data:
	@$(MANAGE) load_bochum_data

static:
	@$(MANAGE) collectstatic --no-input -v 0

translations:
	@$(MANAGE) compilemessages --ignore=.venv --ignore=.local -v 0

check:
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(MANAGE) makemigrations --check --dry-run -v 0
	@$(WITH_DB) scripts/check-messages
	@DEBUG=0 SECRET_KEY=check-deploy-$$(printf 'x%.0s' {1..60}) ALLOWED_HOSTS=fabtown.example \
		$(MANAGE) check --deploy --fail-level WARNING
	@# production static files: hashed and compressed names must build
	@tmp=$$(mktemp -d) && DEBUG=0 SECRET_KEY=check-static-$$(printf 'x%.0s' {1..60}) \
		STATIC_ROOT=$$tmp $(MANAGE) collectstatic --no-input -v 0 && rm -rf $$tmp

# The benchmark of issue 10 (README, "Benchmark"): its own database fabtown_bench with the
# synthetic Ruhr region, gunicorn with production settings, wrk, Lighthouse. BENCH_FAULTS=1 also
# restarts PostgreSQL under load (embedded cluster only); other knobs: scripts/bench.py --help.
bench: setup node_modules/.installed
	@scripts/system-deps bench
	@$(WITH_DB) $(PY) scripts/bench.py $(BENCH_ARGS)

benchmark: bench

lint: check

format:
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .
