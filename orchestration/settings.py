"""Every `OGI_*` environment variable, in one typed place.

Why one table: the variables used to be read in seven files, three of them
at import time (a changed `OGI_DB` was ignored by a process that had
already imported the CLI, and the schedule's cron was frozen when the code
location was imported). Now each variable is declared once here, with its
type, default and meaning, and nothing reads the environment but
`Settings.from_env()` and `orchestration.resources.env_or_default()`, both called when a command
or a code location starts, never at import:

- the CLI builds a `Settings` when a command runs (its `--db` default is
  resolved then, not when the module is imported);
- the Dagster code location (orchestration/definitions.py, lazily built by
  `@dg.definitions`) configures its resources with `dg.EnvVar` for every
  variable that is set, so the UI shows where a value came from and Dagster
  resolves it when a run starts; unset variables take the defaults below;
- the engine never reads the environment: it is handed `Limits` and a
  `Converter` (orchestration.engine) built from these settings.

docs/configuration.md is generated from `VARIABLES` (`make docs`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from warehouse.defaults import DEFAULT_DB, DEFAULT_MEMORY_LIMIT


@dataclass(frozen=True)
class Variable:
    """One environment variable: the `Settings` field it sets, its type, default and meaning."""

    name: str
    field: str
    kind: type
    default: object
    shown_default: str  # the default as the documentation states it
    what: str
    used_by: str


VARIABLES: tuple[Variable, ...] = (
    Variable("OGI_DB", "db", str, DEFAULT_DB, f"`{DEFAULT_DB}`", "the working warehouse file (its published snapshot is `ogi.published.duckdb` beside it)", "CLI `--db` default, Dagster `warehouse` resource"),
    Variable("OGI_WORKERS", "workers", int, 0, "one per core", "parser worker processes", "`--workers`, `warehouse` resource"),
    Variable("OGI_DOC_SECONDS", "doc_seconds", float, 120.0, "120", "time limit per document and stage, seconds", "`--doc-timeout`, `warehouse` resource"),
    Variable("OGI_DOC_MEMORY_MB", "doc_memory_mb", int, 2048, "2048", "memory limit per document and stage, MB", "`--doc-memory-mb`, `warehouse` resource"),
    Variable("OGI_CONVERT_SECONDS", "convert_seconds", float, 60.0, "60", "time limit for LibreOffice per `.doc`/`.wps` (never above 80% of the document's limit)", "`warehouse` resource"),
    Variable("OGI_OCR_SECONDS", "ocr_seconds", float, 0.0, "80% of the document's limit", "time OCR may spend on one scanned PDF (never above 80% of the document's limit); past it `ocr_timeout`", "`warehouse` resource"),
    Variable("OGI_SOFFICE", "soffice", str, "", "`soffice` on PATH", "the LibreOffice program that converts legacy Word files", "`warehouse` resource; the legacy Word tests"),
    Variable("OGI_PROGRESS", "progress", str, "auto", "`auto`", "`auto`: progress bars (documents/s, time left) when stdout and stderr are terminals, nothing otherwise; `bars`; `lines` (one line per finished stage on stderr, for logs); `none`", "CLI"),
    Variable("OGI_DUCKDB_MEMORY", "duckdb_memory", str, DEFAULT_MEMORY_LIMIT, f"`{DEFAULT_MEMORY_LIMIT}`", "DuckDB's buffer pool during loads (it spills to disk past it)", "`warehouse` resource"),
    Variable("OGI_INBOX", "inbox", str, "inbox", "`inbox/`", "folder the Dagster sensor watches (and `raw_documents` reads when a run names no paths)", "`inbox` resource"),
    Variable("OGI_INBOX_SETTLE_SECONDS", "inbox_settle_seconds", float, 5.0, "5", "files modified more recently wait for the next sensor tick", "`inbox` resource"),
    Variable("OGI_BATCH_MAX_FILES", "batch_max_files", int, 1000, "1000", "files per ingest batch (sensor)", "`inbox` resource"),
    Variable("OGI_TIMEZONE", "timezone", str, "UTC", "`UTC`", "time zone of the daily schedule", "daily schedule"),
    Variable("OGI_DAILY_CRON", "daily_cron", str, "0 3 * * *", "`0 3 * * *`", "when the daily maintenance runs", "daily schedule"),
)

BY_FIELD = {v.field: v for v in VARIABLES}


class SettingError(ValueError):
    """An `OGI_*` variable whose value is not of its type: said once, by name, with the value."""


def parse(var: Variable, raw: str) -> object:
    raw = raw.strip()
    try:
        value = var.kind(raw)
    except ValueError:
        raise SettingError(f"${var.name}={raw!r} is not {'an integer' if var.kind is int else 'a number'}") from None
    if var.kind in (int, float) and value < 0:
        raise SettingError(f"${var.name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class Settings:
    """The configuration of one process: the defaults of `VARIABLES`, overridden by the environment."""

    db: str = DEFAULT_DB
    workers: int = 0
    doc_seconds: float = 120.0
    doc_memory_mb: int = 2048
    convert_seconds: float = 60.0
    ocr_seconds: float = 0.0
    soffice: str = ""
    progress: str = "auto"
    duckdb_memory: str = DEFAULT_MEMORY_LIMIT
    inbox: str = "inbox"
    inbox_settle_seconds: float = 5.0
    batch_max_files: int = 1000
    timezone: str = "UTC"
    daily_cron: str = "0 3 * * *"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every variable now (an empty value counts as unset)."""
        env = os.environ if environ is None else environ
        given = {v.field: parse(v, env[v.name]) for v in VARIABLES if env.get(v.name, "").strip()}
        return cls(**given)

    def replace(self, **changes: object) -> Settings:
        """These settings with the given fields changed; None leaves a field as it is (unset CLI options)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def render_configuration(header: str = "") -> str:
    """docs/configuration.md: the table of every variable (orchestration.reports.docs writes it, `make docs`)."""
    lines = [
        "# Configuration",
        "",
        *([header, ""] if header else []),
        "Every setting is an environment variable read when a command or the Dagster code location",
        "starts, never at import (`orchestration/settings.py`). In Dagster, the `warehouse` and `inbox`",
        "resources take a set variable through `dg.EnvVar` (shown as such in the UI's resource view);",
        "command-line options (`--db`, `--workers`, `--doc-timeout`, `--doc-memory-mb`) override the",
        "variables for one command. An empty variable counts as unset; a value of the wrong type",
        "stops the command with a message naming the variable.",
        "",
        "| variable | default | what | used by |",
        "| --- | --- | --- | --- |",
    ]
    for v in VARIABLES:
        lines.append(f"| `{v.name}` | {v.shown_default} | {v.what} | {v.used_by} |")
    lines += [
        "",
        "Tests only: `OGI_CHROMIUM` (the browser for the quality report's browser test), `OGI_SOFFICE`",
        "(as above), `CI=true` (a missing Chromium or LibreOffice fails those tests instead of skipping them).",
        "",
    ]
    return "\n".join(lines)
