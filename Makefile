# HallDesk: `make run` sets up and starts the program, `make test` sets up and runs every test.
# Both create .venv, install the pinned dependencies and prepare the CJK font on first use;
# the second time they only check the stamps.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FONT   := resources/fonts/NotoSansSC-Regular.ttf

.PHONY: run test lint races soak crash fuzz bench bench-1m bench-start bench-docs bench-hall bench-accept bench-pg bench-upgrade setup clean package package-host check-package

setup: $(STAMP) $(FONT)

$(STAMP): pyproject.toml requirements.lock tools/system-deps.sh
	bash tools/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# NOTE: the font comes from PyPI (justmytype-intl-cjk, OFL) at set-up time and is not committed;
# a static Regular instance is cut from the variable TTF once (about 12 s).
$(FONT): $(STAMP)
	$(PY) -m desktop.fonts prepare --out $(FONT)

run: setup
	$(PY) -m desktop $(ARGS)

# The gates run first and fail the run: ruff (pyproject [tool.ruff]) over the whole tree, mypy
# (pyproject [tool.mypy]) over the Qt-free layers. `make lint` runs them alone.
test: setup lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m mypy

# The race suite at the issue's upper bound: 30 processes per race, 10 rounds, both backends
# (`make test` runs the same suite with 8 processes and 3 rounds). The races across services are in
# tests/concurrency, each service's own in tests/services/<name>/races: the marker picks them all.
races: setup
	HALLDESK_RACE_PROCS=$(or $(RACE_PROCS),30) HALLDESK_RACE_ROUNDS=$(or $(RACE_ROUNDS),10) \
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m concurrency tests/concurrency tests/services $(PYTEST_ARGS)

# The kill tests at full strength: 120 SIGKILLs during creation, 120 during an upgrade from 0004,
# 80 during accepts with papers (make test runs 30 / 30 / 20 of them).
crash: setup
	HALLDESK_CRASH_RUNS=120 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s tests/desktop/store/test_crash_open.py tests/desktop/cases/test_paper_kill.py $(PYTEST_ARGS)

# The fuzz tests with the large hypothesis profile: over 10,000 hostile inputs (case files through
# `python -m forms assess`, answers through the case layer of every service); `make test` runs a few hundred.
fuzz: setup
	HALLDESK_FUZZ=fuzz QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider tests/fuzz --hypothesis-show-statistics $(PYTEST_ARGS)

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench $(BENCH_ARGS)

# The issue's scale: a million generated cases (made once into /tmp/halldesk-bench, a few minutes).
bench-1m: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --cases 1000000 $(BENCH_ARGS)

# Issue 15: start-up as the clerk sees it (real sign-in, every tab and menu, clerk and admin) at an
# empty hall and at a million cases, each against a bare PySide6 floor run alternately.
bench-start: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --only startup --cases 1000000 $(BENCH_ARGS)

# Issue 15: the papers, each page alternating with a bare reportlab page of the same text.
bench-docs: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --only documents $(BENCH_ARGS)

# Issue 15: a hall of windows on one PostgreSQL (started and stopped by the benchmark, as the tests do):
# 1, 10 and 30 window processes signing in and accepting real cases, then 30 paced (3–8 min).
# BENCH_HALL_ARGS="--seconds 30 --windows 1,10,30 --json hall.json".
bench-hall: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.hall $(BENCH_HALL_ARGS)

# Issue 15: the lookups in hall mode: the same calls on a PostgreSQL it starts and fills with generated
# cases (100,000 by default, ≈ 11 min here; BENCH_PG_ARGS="--cases 1000000" copies the cached SQLite
# million in with COPY, ≈ 5 min), against raw psycopg.
bench-pg: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.pg_lookups $(BENCH_PG_ARGS)

# Issue 15: what a hall's upgrade costs at a million: a copy of the generated million taken back one
# revision (BENCH_UPGRADE_ARGS="--from 0017"), opened by the program (its backup, then the migration).
bench-upgrade: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.upgrade $(BENCH_UPGRADE_ARGS)

# Issue 15: accepting a 居住证 case against its floor (the same rows through the raw driver, the bare
# page, the file), alternating, on SQLite and on a PostgreSQL it starts. BENCH_ACCEPT_ARGS="--rounds 60".
bench-accept: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.accept $(BENCH_ACCEPT_ARGS)

# Issue 12: a clerk's day, 300 cases and 30 supervisor decisions typed into the real program on
# Xvfb + openbox (xcb), ≈ 10 min; prints its numbers, exits 1 when a check fails. SOAK_ARGS="--cases 600".
soak: setup
	$(PY) tests/soak/run.py $(SOAK_ARGS)

# Issue 17: the frozen build (PyInstaller onedir, packaging/halldesk.spec) wrapped in
# build/halldesk_<version>_amd64.deb; from a clean checkout it sets up the venv and the font first.
# `make package` (root) builds the RELEASE .deb, the one IT staff get, inside a Debian 11 (bullseye,
# glibc 2.31) chroot, so it installs on 银河麒麟 V10 and later (packaging/linux/build_release.py; the
# build root is cached under build/chroot, keyed by its recipe: ≈ 15 min the first time).
# `make package-host` is the developers' quick build on this machine (build/host/, glibc >= 2.35).
# `make check-package` installs the release .deb here (dpkg -i) and on a fresh minimal Debian 11
# (apt-get install), runs the installed program on Xvfb in both and removes it here.
DEB = build/halldesk_$(shell $(PYTHON) -c "import re;print(re.search(r'__version__ = \"(.+)\"',open('desktop/__init__.py').read())[1])")_amd64.deb

package: setup
	$(PY) packaging/linux/build_release.py --out build --cache build/chroot

package-host: setup
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath build/host/dist --workpath build/host/work packaging/halldesk.spec
	$(PY) packaging/linux/build_deb.py --dist build/host/dist/halldesk --out build/host

check-package: package
	$(PY) packaging/linux/check_installed.py $(DEB)
	$(PY) packaging/linux/check_bullseye.py $(DEB)

# NOTE: a SIGKILLed package build can leave /proc or the host's /tmp/.X11-unix mounted in a chroot under
# build/; rm -rf would walk into them, so they are unmounted first.
clean:
	-awk '$$2 ~ "^$(CURDIR)/build/" {print $$2}' /proc/self/mounts | sort -r | xargs -r umount --lazy
	rm -rf $(VENV) build *.egg-info
