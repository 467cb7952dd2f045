# Two commands matter: `make run` and `make test`. Both set up .venv on first use,
# with whatever `python3` is (3.11, 3.12 or 3.13), or PYTHON=/path/to/python3.x.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= warehouse/ogi.duckdb
SAMPLES ?= samples

.PHONY: run test setup bench clean dev test-tools python-check docs

setup: $(STAMP)

python-check:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; ok = (3, 11) <= v <= (3, 13); \
	print(f"using {sys.executable} (Python {sys.version.split()[0]})" if ok else \
	      f"Python {v[0]}.{v[1]} at {sys.executable} is not one the project is tested on (3.11, 3.12, 3.13): run make with PYTHON=python3.13, python3.12 or python3.11"); \
	sys.exit(0 if ok else 1)'

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ogi synth $(SAMPLES)
	$(BIN)/ogi load $(SAMPLES) --db $(DB)
	$(BIN)/ogi report --db $(DB) --out reports

# Two tests drive programs from Debian, not from PyPI: the quality report's browser test
# (headless Chromium, with a CJK font) and the legacy Word test (LibreOffice converts .doc).
# Where they are missing they are installed if this is root with apt-get; anywhere else
# those tests are skipped with a message saying how to install them (CI=true: they fail).
test-tools:
	@browser=""; office=""; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null || browser="chromium fonts-wqy-microhei"; \
	command -v soffice >/dev/null || command -v libreoffice >/dev/null || office="libreoffice-writer-nogui"; \
	if [ -z "$$browser$$office" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages for the browser and legacy Word tests: $$browser $$office"; \
	  apt-get update -qq; \
	  if [ -n "$$browser" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$browser >/dev/null; fi; \
	  if [ -n "$$office" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$office >/dev/null; fi; \
	else \
	  echo "not installed: $$browser $$office — the tests that need them will be skipped (not root, or no apt-get)."; \
	  echo "  to run them: sudo apt-get install $$browser $$office   (or put chromium / soffice on PATH)"; \
	fi

# lint-imports: the layer contracts of pyproject.toml ([tool.importlinter]) before the tests.
test: $(STAMP) test-tools
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# docs/tables.md is generated from the DDL's COMMENT ON text (tests/test_docs.py checks it is current).
docs: $(STAMP)
	$(BIN)/python -m orchestration.reports.docs

dev: $(STAMP)
	mkdir -p .dagster_home && cp dagster.yaml .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_load 1000

clean:
	rm -rf $(SAMPLES) reports $(DB) $(DB).wal $(basename $(DB)).published.duckdb
