# Samråd developer entry points. `make demo` and `make test` are the README's quick start.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint lock test-postgres messages clean

$(STAMP): requirements/dev.txt package.json package-lock.json scripts/bootstrap
	./scripts/bootstrap $(VENV)
	touch $(STAMP)

# A development checkout's settings: DEBUG on and a generated SECRET_KEY (an existing .env is left as it is).
.env:
	./scripts/local-env

setup: $(STAMP) .env

## Start the platform with demo content on SQLite at http://127.0.0.1:8000 (Ctrl-C stops it).
demo: $(STAMP) .env
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo

## Run the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## Re-pin requirements/*.txt from requirements/*.in (hashes, no index URLs).
lock:
	$(PY) -m pip install -q uv==0.9.30
	$(VENV)/bin/uv pip compile --generate-hashes --python-version 3.12 --no-header requirements/base.in -o requirements/base.txt
	$(VENV)/bin/uv pip compile --generate-hashes --python-version 3.12 --no-header requirements/dev.in -o requirements/dev.txt

messages: $(STAMP)
	cd src && DEBUG=1 ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd src && DEBUG=1 ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules var
