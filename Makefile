# Two commands matter: `make run` and `make test`. Everything else is what they depend on.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install dev-install browser ffmpeg run test bench translations translations-update clean

install: $(VENV)/.installed node_modules/.installed translations ffmpeg

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# msgids are the Vietnamese text; each .po holds one other language (.mo files are built, not kept).
translations: $(VENV)/.installed
	@for po in lms/translations/*/LC_MESSAGES/messages.po plugins/*/translations/*/LC_MESSAGES/messages.po; do \
	  if [ -f "$$po" ]; then $(BIN)/pybabel -q compile -i "$$po" -o "$${po%.po}.mo" || exit 1; fi; \
	done

# After adding or changing UI strings: collect them from lms/ and plugins/ (babel.cfg) into the
# catalogs, then fill each empty msgstr and run `make translations`. The counts show what is left.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
	  --no-location --sort-output -o lms/translations/messages.pot .
	$(BIN)/pybabel -q update -i lms/translations/messages.pot -d lms/translations \
	  --no-wrap --no-fuzzy-matching --ignore-obsolete
	@$(BIN)/pybabel compile -d lms/translations --statistics 2>&1 | grep translated

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

dev-install: install $(VENV)/.dev-installed

# Debian's chromium drives the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped."; \
	  else echo "chromium is not installed (apt-get install chromium): browser tests will be skipped."; fi; \
	fi

# Debian's ffmpeg makes uploaded videos play on phones (faststart, transcoding; plugins/video).
ffmpeg:
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null) \
	      || echo "Could not install ffmpeg: video processing and its tests will be skipped."; \
	  else echo "ffmpeg is not installed (apt-get install ffmpeg): video processing and its tests will be skipped."; fi; \
	fi

run: install
	@$(FLASK) lms seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@# Background workers run beside the web server and stop with it; the search indexer is the
	@# only process that writes the search index (web workers only read it). send-notifications
	@# sends reminders, e-mail and push every minute (cron does it in production).
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	  $(FLASK) lms search-sync & \
	  $(FLASK) lms video-worker & \
	  $(FLASK) lms send-notifications --loop --interval 60 & \
	  $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - wsgi:app

# Two workers by default (the CI machine has 2 cores); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: dev-install browser ffmpeg
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal) $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules .pytest_cache
