# The two commands of the README: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

# The test suite runs with production-like settings (DEBUG off) on plain http.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz} \
	PSEUDONYM_KEY=$${PSEUDONYM_KEY:-test-only-pseudonym-key-0123456789abcdefghijklmnopqrstuvwxyz} \
	DEBUG=0 HTTPS=0 STATIC_MANIFEST=0 DEMO_MODE=1
DEMO_ENV := DEBUG=1 DEMO_MODE=1

.PHONY: install messages demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

messages: install
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0

demo: messages
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo --base-url http://127.0.0.1:$(PORT)
	@echo "The portal is at http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: messages
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/mypy

clean:
	rm -rf $(VENV) var
