# civport: `make run` serves the portal on the embedded defaults, `make test` runs the suite.
# Every target creates .venv on first use; requirements are reinstalled only when
# requirements.txt changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.requirements-installed
ADDRESS ?= 127.0.0.1:8000
# runserver takes a bare port too; the portal's public address needs the host.
PUBLIC_URL := http://$(if $(findstring :,$(ADDRESS)),$(ADDRESS),127.0.0.1:$(ADDRESS))
MAKEMESSAGES_IGNORES := --ignore=.venv --ignore=node_modules --ignore=staticfiles \
	--ignore=media --ignore=static/vendor --ignore=bench --ignore=test-results

.PHONY: help venv run migrate compilemessages collectstatic demo test lint format \
	migrations-check messages messages-check deploy-check bench loadtest worker beat clean

help:
	@echo "make run               set up .venv and the SQLite database, load the demo data, serve http://$(ADDRESS)"
	@echo "make test              run the whole test suite (pytest)"
	@echo "make lint              ruff check, ruff format --check, the apps' import and translation rules, mypy"
	@echo "make format            ruff format and ruff check --fix"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make messages          update locale/*/LC_MESSAGES/*.po from the source (needs gettext)"
	@echo "make messages-check    fail on an untranslated or fuzzy zh_Hans entry (needs gettext)"
	@echo "make deploy-check      manage.py check --deploy with production-like settings"
	@echo "make bench             run the benchmark suite, writes bench/results.json"
	@echo "make loadtest          deadline-day load test (needs DATABASE_URL, REDIS_URL), writes bench/load.json"
	@echo "make worker / beat     a Celery worker on every queue / the Celery beat scheduler"

$(PY):
	@$(PYTHON) -m venv $(VENV) || { \
		echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; \
		rm -rf $(VENV); exit 1; }

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

# Babel's compiler is pure Python: no gettext needed to run the portal.
compilemessages: venv
	@if compgen -G "locale/*/LC_MESSAGES/django.po" > /dev/null; then \
		$(BIN)/pybabel compile -d locale -D django; \
	else echo "note: no translation catalogue in locale/ yet; pages show the English text"; fi
	@if compgen -G "locale/*/LC_MESSAGES/djangojs.po" > /dev/null; then \
		$(BIN)/pybabel compile -d locale -D djangojs; fi

collectstatic: venv
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate
	@if $(PY) manage.py help seed_demo > /dev/null 2>&1; then \
		$(PY) manage.py seed_demo; \
	else echo "note: manage.py seed_demo is not available; starting without demo data"; fi
	$(PY) manage.py schedules_install

# Certificates' QR codes and e-mail links point at the address served, unless CIVPORT_PUBLIC_URL
# is set (in the environment or in .env, which the settings read after make has run).
ifeq ($(shell grep -sqE '^[[:space:]]*(export[[:space:]]+)?CIVPORT_PUBLIC_URL=' .env && echo set),)
run demo: export CIVPORT_PUBLIC_URL ?= $(PUBLIC_URL)
endif

run: migrate compilemessages collectstatic demo
	@echo "civport on http://$(ADDRESS)/  (demo password: \$$CIVPORT_DEMO_PASSWORD, default Civport-demo-2026)"
	@echo "certificates and e-mails link to $${CIVPORT_PUBLIC_URL:-the CIVPORT_PUBLIC_URL of .env}"
	$(PY) manage.py runserver $(ADDRESS)

# With nothing set: SQLite, tasks in-process, tests needing Redis, a worker or Chromium skip.
# In CI (DATABASE_URL, REDIS_URL, CIVPORT_REQUIRE_SERVICES=1) a skip is a failure.
test: venv compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) scripts/import_rules.py
	$(PY) scripts/translation_rules.py
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

messages: venv
	$(PY) manage.py makemessages -l zh_Hans -l en $(MAKEMESSAGES_IGNORES)
	$(PY) manage.py makemessages -d djangojs -l zh_Hans -l en $(MAKEMESSAGES_IGNORES)

messages-check: venv
	$(PY) scripts/messages_check.py

# Production-like settings; `check` does not connect to the database, so the URL needs no server.
deploy-check: venv
	env CIVPORT_ENV=production \
		DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		DJANGO_ALLOWED_HOSTS=civport.example.gov.cn \
		DATABASE_URL=postgres://civport@127.0.0.1:5432/civport \
		REDIS_URL=redis://127.0.0.1:6379/0 \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: venv compilemessages
	$(PY) bench/run.py

# Starts its own gunicorn and Celery worker on DATABASE_URL/REDIS_URL (PostgreSQL and Redis only);
# LOAD_SECONDS (default 180) is the measured time after a ramp-up of LOAD_RAMP_SECONDS (120).
loadtest: venv compilemessages
	$(PY) bench/load/run.py

worker: venv
	$(BIN)/celery -A civport worker -Q default,imports,pdf -l info

beat: venv
	$(BIN)/celery -A civport beat -l info

clean:
	rm -rf staticfiles test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
