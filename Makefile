# make run   install, write a development .env, load the demo newsroom, serve it and
#            run the scheduling worker beside it (Ctrl+C stops both)
# make test  install, run the test suite (pytest options: make test PYTEST_ARGS="-x")
# make lighthouse  Lighthouse (mobile) on the readers' pages under gunicorn with
#            production settings; fails below 100 (95 for performance)
# make bench-varnish  the site through Varnish (issue 17): the cached story against a
#            static file, the hit ratio under a mixed load, pictures made for readers
#            (needs Debian's varnish, varnish-modules and wrk; options: BENCH_ARGS=...)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lighthouse bench-varnish

install: $(VENV)/.installed

# Reinstalls when pyproject.toml changes; deleting .venv starts afresh.
$(VENV)/.installed: pyproject.toml tests/browser/package-lock.json tests/lighthouse/package-lock.json
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>/dev/null || { \
		echo "newsroom needs Python 3.11 or newer, and $(PYTHON) is missing or older." >&2; \
		echo "Install one and run: make $(MAKECMDGOALS) PYTHON=python3.12" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	@# axe-core and the Nu HTML Checker (vnu.jar) for the browser tests, from the
	@# lockfile; they skip without npm. --ignore-scripts: vnu-jar's install script
	@# would fetch a Java runtime; the checker runs on the machine's java.
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error; \
		npm ci --prefix tests/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser accessibility and Lighthouse tests will be skipped"; fi
	touch $@

# A development .env (debug on, a fresh random key); an existing one is kept.
.env:
	@$(PYTHON) -c 'import secrets; print("# Development settings written by make; see .env.example."); print("DEBUG=on"); print("SECRET_KEY=" + secrets.token_urlsafe(50))' > $@.tmp
	@mv $@.tmp $@
	@echo "Wrote a development .env"

# The scheduling worker runs beside the server, as in production (docker-compose.yml's
# scheduler), so scheduled stories are recorded, e-mailed and purged at their minute.
# Ctrl+C stops both: a background job ignores SIGINT, so the shell stops the worker on
# its way out, however the server ended.
run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@$(BIN)/python manage.py publish_scheduled --every 30 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	echo "Scheduling worker running (manage.py publish_scheduled --every 30)"; \
	TASKS_BACKEND=thread $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Lighthouse (tests/lighthouse/package.json) on the front page, a story, an author,
# a section, the gallery and search, each on a scratch database with the demo loaded;
# the figures are in README.md. Needs node, npm and Debian's chromium.
lighthouse: install
	$(BIN)/python tests/lighthouse/run.py

# The benchmark through Varnish (bench/varnish.py; README, "Through Varnish"). It
# uses PostgreSQL and Redis on 127.0.0.1 when they answer, else SQLite and a file cache.
bench-varnish: install
	$(BIN)/python bench/run.py varnish $(BENCH_ARGS)
