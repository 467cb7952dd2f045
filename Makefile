# Two commands matter: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= warehouse/ogi.duckdb
SAMPLES ?= samples

.PHONY: run test setup bench clean dev browser

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ogi synth $(SAMPLES)
	$(BIN)/ogi load $(SAMPLES) --db $(DB)
	$(BIN)/ogi report --db $(DB) --out reports

# The quality report's browser test renders the report in headless Chromium
# (Debian's package) with a CJK font; the container tests (tests/containers.py)
# print report pages to PDF with Chromium and convert them to PDF/DOCX with
# LibreOffice Writer. Installed on first use where apt is available.
browser:
	@command -v chromium >/dev/null && command -v soffice >/dev/null || { \
	  echo "installing chromium, LibreOffice Writer and a CJK font (Debian packages) for the browser and container tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei libreoffice-writer-nogui; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

dev: $(STAMP)
	mkdir -p .dagster_home && cp dagster.yaml .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_load 1000

clean:
	rm -rf $(SAMPLES) reports $(DB) $(DB).wal $(basename $(DB)).published.duckdb
