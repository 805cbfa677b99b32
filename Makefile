# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PYTHONDONTWRITEBYTECODE := 1

# Debian packages: what the app needs to run (WeasyPrint; gettext's msgfmt to compile the
# translations; an Arabic font for the PDFs), and what the tests need besides.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext fonts-hosny-amiri
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server chromium poppler-utils

# Translations: French is the source; the catalogues (locale/<lang>/LC_MESSAGES/django.po) are
# committed, their compiled .mo files are not (built here). `make messages` after marking strings.
MAKEMESSAGES := makemessages --locale=ar --no-obsolete --ignore=.venv --ignore=.tools --ignore=bench \
	--ignore=tests --ignore=var --ignore=staticfiles --ignore=node_modules --ignore=test-results
COMPILEMESSAGES := compilemessages --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=var

.PHONY: help run test bench venv system-run system-test demo test-suite lint migrations-check clean \
	messages messages-compile i18n-check

help:
	@echo "make run   - installe, migre, charge la démo et sert l'application sur http://127.0.0.1:8000"
	@echo "make test  - PostgreSQL et Redis jetables, toute la suite (unitaires, navigateur), lint, migrations"

$(UV):
	@$(PYTHON) -m venv $(TOOLS) 2>/dev/null || { bash .ci/apt-install.sh python3-venv && rm -rf $(TOOLS) && $(PYTHON) -m venv $(TOOLS); }
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

venv: $(UV)
	$(UV) sync --locked --quiet --python "$(PYTHON)"

system-run:
	@bash .ci/apt-install.sh $(RUN_PACKAGES)

system-test:
	@bash .ci/apt-install.sh $(TEST_PACKAGES)

demo: system-run venv
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=expertise.settings.dev $(PY) manage.py $(COMPILEMESSAGES)
	DJANGO_SETTINGS_MODULE=expertise.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=expertise.settings.dev $(PY) manage.py load_demo

run: demo
	@DJANGO_SETTINGS_MODULE=expertise.settings.dev $(PY) manage.py demo_logins
	DJANGO_SETTINGS_MODULE=expertise.settings.dev $(PY) manage.py runserver 127.0.0.1:8000

# Starts a throwaway PostgreSQL and Redis on free loopback ports, runs everything against them,
# and stops them on exit, failed or not.
test: system-test venv
	bash .ci/with-services.sh $(MAKE) --no-print-directory messages-compile test-suite lint migrations-check i18n-check

# Not part of `make test`: the speed and memory goals, counted or compared in one run.
bench: system-test $(UV)
	$(UV) sync --locked --quiet --python "$(PYTHON)" --group bench
	DJANGO_SETTINGS_MODULE=expertise.settings.bench bash .ci/with-services.sh $(PY) -m bench.run

test-suite:
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL is not set: run 'make test'"; exit 1; }
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --recursive accounts cases reports expertise --severity-level high

migrations-check:
	DJANGO_SETTINGS_MODULE=expertise.settings.test $(PY) manage.py makemigrations --check --dry-run

# After marking strings: adds the new ones to the catalogue (and drops those that left the code);
# then translate every new entry, and `make i18n-check`.
messages:
	DJANGO_SETTINGS_MODULE=expertise.settings.test $(PY) manage.py $(MAKEMESSAGES)

messages-compile:
	DJANGO_SETTINGS_MODULE=expertise.settings.test $(PY) manage.py $(COMPILEMESSAGES)

# Fails on an untranslated or fuzzy entry, a broken placeholder, or a marked string that the
# catalogue lacks (makemessages run in a temporary copy of the sources).
i18n-check:
	DJANGO_SETTINGS_MODULE=expertise.settings.test $(PY) .ci/i18n_check.py $(MAKEMESSAGES)

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .ruff_cache
