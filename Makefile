# CoachDesk: `make run` starts the app, `make test` runs every test headless.
# Both create .venv and install what is needed on first use. The work is done by
# tools/dev.py, which Windows runs directly: `py tools/dev.py run`, `py tools/dev.py test`.

PYTHON ?= python3
VENV   ?= .venv
DEV    := $(PYTHON) tools/dev.py --venv $(VENV)
# Qt's X11 plugin needs these on a bare Debian/Ubuntu desktop (most have them).
QT_DEB_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
                   libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libglib2.0-0

.PHONY: run test lint bench bench-scale demo sysdeps screenshots dist dist-check setup clean help

help:
	@echo "make run    - set up (first time) and start CoachDesk"
	@echo "make test   - set up (first time) and run the whole test suite headless"
	@echo "make lint   - the code checks of pyproject.toml [tool.ruff] (CI runs them before the tests)"
	@echo "make bench  - build a large temporary practice and print performance figures as JSON"
	@echo "              (then the same figures on it encrypted, beside plain, with their ratios)"
	@echo "make bench-scale - the main figures at 1,000, 5,000 and 20,000 clients, and how they grow"
	@echo "make dist   - build the bundled app (PyInstaller) as dist/CoachDesk-<version>-linux-<arch>.tar.gz"
	@echo "make dist-check - unpack that bundle in a temporary folder and try it out (offscreen)"

# Creates .venv and installs CoachDesk (-e .[test]) when pyproject.toml or setup.py changed.
setup:
	@$(DEV) setup

# Installs Qt's desktop libraries on Debian/Ubuntu when some are missing
# (as root directly, otherwise through sudo if it is there). Elsewhere: nothing to do.
sysdeps:
	@if [ "$$(uname)" = Linux ] && command -v dpkg >/dev/null && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(QT_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Qt's system libraries:$$missing"; \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	    elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; \
	    else echo "Please install them: apt-get install$$missing"; fi; \
	  fi; \
	fi

run: setup sysdeps
	@$(DEV) --no-install run $(ARGS)

# The tests run in parallel processes (pytest-xdist), two per CPU core (at most 16): many
# tests wait on a child process, a lock or a timer, and the other process uses that time
# (on 2 cores: 4 processes 146 s, 3 processes 170 s, 2 processes 188 s). PYTEST_JOBS=0 runs them in this one
# process. worksteal: an idle process takes tests queued for a busy one, so a few slow
# tests at the end do not keep the others waiting. Bytecode (and pytest's rewritten test
# modules) is cached even where PYTHONDONTWRITEBYTECODE is set: rewriting the test modules
# again costs each process seconds. (All of this is in tools/dev.py.)
PYTEST_JOBS ?=
test:
	@PYTEST_JOBS=$(PYTEST_JOBS) $(DEV) test $(PYTEST_ARGS)

lint:
	@$(DEV) lint $(LINT_ARGS)

bench: setup
	@QT_QPA_PLATFORM=offscreen $(DEV) --no-install python tests/bench/bench_all.py

bench-scale: setup
	@QT_QPA_PLATFORM=offscreen $(DEV) --no-install python tests/bench/scale.py

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(DEV) --no-install python tools/screenshots.py docs

# The bundled app: packaging/coachdesk.spec (PyInstaller, onedir), archived with its
# .desktop file, icon and install.sh. dist-check fails when the bundle cannot start, open
# a new practice with the demo, or write a report and a worksheet.
dist:
	@$(DEV) dist

dist-check:
	@$(DEV) dist-check $(ARCHIVE)

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
