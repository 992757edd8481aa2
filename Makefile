# The two commands: `make run` (portal on the embedded default) and `make test` (the whole suite).
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint browser bench bench-quick load messages

setup: .venv/.installed node_modules/.installed

# requirements.txt: what the portal runs on; requirements-dev.txt adds the tests and tools (-r requirements.txt).
.venv/.installed: requirements.txt requirements-dev.txt
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The portal on SQLite with tasks in-process and the demo city loaded.
run: setup
	STUDYGROUP_DEV=1 $(PY) manage.py migrate --noinput -v0
	STUDYGROUP_DEV=1 $(PY) manage.py load_demo --if-empty
	@echo ""
	@echo "  studygroup is running at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo ""
	STUDYGROUP_DEV=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Debian's chromium and Chinese fonts for the browser tests (needs root; skipped when present).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei gettext >/dev/null)

# ruff: pyflakes, pycodestyle, import order (ruff.toml); `make test` runs it first (TEST_LINT=0 skips it).
# `.venv/bin/ruff check --fix .` sorts imports and drops unused ones.
TEST_LINT ?= 1
lint: setup
	.venv/bin/ruff check .

# The whole suite: SQLite by default; DATABASE_URL/REDIS_URL point it at PostgreSQL and Redis (.ci/run does).
# About 10 minutes on 2 cores.
test: setup browser
	@if [ "$(TEST_LINT)" = 1 ]; then $(MAKE) --no-print-directory lint; fi
	$(PY) manage.py check --settings=studygroup.settings_test
	$(PY) manage.py makemigrations --check --dry-run --settings=studygroup.settings_test
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark runs on its own database only (it refuses any other): PostgreSQL sg_bench (created and
# migrated if missing; the data set is reused, BENCH_ARGS=--rebuild regenerates it), or a SQLite file.
# Its worker parts (a save publishing to Redis, freshness with a real worker) use Redis database 12.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sg_bench
BENCH_QUICK_DATABASE_URL ?= sqlite:///var/bench-quick.sqlite3
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12

bench: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench --settings=studygroup.settings_test $(BENCH_ARGS)

bench-quick: setup
	DATABASE_URL=$(BENCH_QUICK_DATABASE_URL) $(PY) manage.py bench --quick --settings=studygroup.settings_test $(BENCH_ARGS)

# The load test (bench/load/): gunicorn, PostgreSQL (sg_load, the 2021 scenario), Redis db 13 and a Celery worker on
# loopback, 50 simulated users for 2 minutes (locust); writes bench/load-results.md and .json. LOAD_ARGS e.g. --users 20.
load: setup
	$(PY) -m bench.load.run $(LOAD_ARGS)

# Re-extract and compile translations (each app keeps its own locale/).
messages: setup
	for d in committees sessions_app reports supervision assessment archive imports; do (cd $$d && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete); done
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore='*/*' --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
