"""Resources: the warehouse file with the engine's limits, and the inbox; configured in one place.

Their fields are the typed settings of orchestration/settings.py. `from_env()`
builds them when the code location (or a command) starts, never at import:
a variable that is set becomes a `dg.EnvVar` (Dagster resolves it when a
run starts and the UI shows its source), an unset one its default.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import dagster as dg
import duckdb

from warehouse import db
from warehouse.snapshot import published_path
from orchestration.engine import ocr
from orchestration.engine.convert import Converter
from orchestration.engine.validator import Validator, shared_validator
from orchestration.engine.workers import Limits, WorkerPool, shared_pool
from orchestration.settings import BY_FIELD, Settings, parse


def env_or_default(field: str, environ: Mapping[str, str] | None = None) -> object:
    """A resource field's value: `dg.EnvVar` when its variable is set, else the default.

    Dagster's EnvVar carries strings and integers only; a float variable is
    parsed here (and a bad integer is reported now, by name, not later as a
    config error).
    """
    env = os.environ if environ is None else environ
    var = BY_FIELD[field]
    raw = env.get(var.name, "").strip()
    if not raw:
        return var.default
    if var.kind is str:
        return dg.EnvVar(var.name)
    value = parse(var, raw)
    return dg.EnvVar.int(var.name) if var.kind is int else value


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


# WarehouseResource field → the Settings field (and so the variable) it is configured from.
_WAREHOUSE_SETTINGS = {
    "db_path": "db",
    "progress_mode": "progress",
    "duckdb_memory": "duckdb_memory",
    "workers": "workers",
    "doc_seconds": "doc_seconds",
    "doc_memory_mb": "doc_memory_mb",
    "soffice": "soffice",
    "convert_seconds": "convert_seconds",
    "ocr_seconds": "ocr_seconds",
}


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Steps open it one at a time and always close it.

    DuckDB allows one writer process per file, and a connection left open by
    a failed step keeps the lock, so every use goes through `connect()`.
    Scheduled runs are serialised by the instance's run queue (dagster.yaml,
    tag `ogi/warehouse_writer`); a CLI load that overlaps one waits here for
    the other process's step to close the file, up to `lock_wait_seconds`.
    """

    db_path: str = Settings.db
    show_progress: bool = False
    progress_mode: str = Settings.progress  # $OGI_PROGRESS: auto | bars | lines | none
    lock_wait_seconds: float = 600.0
    duckdb_memory: str = Settings.duckdb_memory
    # Per-document limits of the parser stages (orchestration.engine.workers): 0 workers = one per core.
    workers: int = Settings.workers
    doc_seconds: float = Settings.doc_seconds
    doc_memory_mb: int = Settings.doc_memory_mb
    # Legacy Word conversion (orchestration.engine.convert): "" = soffice found on PATH.
    soffice: str = Settings.soffice
    convert_seconds: float = Settings.convert_seconds
    # OCR of scanned PDFs (orchestration.engine.ocr): 0 = 80% of the document's limit.
    ocr_seconds: float = Settings.ocr_seconds

    @classmethod
    def from_settings(cls, settings: Settings, **fields: object) -> WarehouseResource:
        """The resource of a command: its settings, plus fields such as show_progress."""
        return cls(**{field: getattr(settings, setting) for field, setting in _WAREHOUSE_SETTINGS.items()}, **fields)

    @classmethod
    def from_env(cls) -> WarehouseResource:
        """The code location's resource: every set variable through dg.EnvVar."""
        return cls(**{field: env_or_default(setting) for field, setting in _WAREHOUSE_SETTINGS.items()})

    @property
    def limits(self) -> Limits:
        return Limits(workers=self.workers, seconds=self.doc_seconds, memory_mb=self.doc_memory_mb)

    @property
    def converter(self) -> Converter:
        """LibreOffice's program and time limit, always within the document's own limit, so the
        converter is stopped (and its processes killed) before the worker is."""
        return Converter(self.soffice, max(1.0, min(self.convert_seconds, 0.8 * self.doc_seconds)))

    @property
    def ocr_budget(self) -> float:
        """OCR's time per scanned document, always within the document's own limit."""
        return ocr.deadline(self.ocr_seconds or None, self.doc_seconds)

    def pool(self) -> WorkerPool:
        """The process's worker pool with these limits (started on first use, then kept)."""
        return shared_pool(self.limits)

    def validator(self) -> Validator:
        """The process's Great Expectations process (orchestration/engine/validator.py)."""
        return shared_validator()

    @property
    def path(self) -> str:
        return self.db_path

    @property
    def snapshot_path(self) -> Path:
        return published_path(self.path)

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        deadline = time.monotonic() + self.lock_wait_seconds
        delay = 0.2
        with contextlib.ExitStack() as stack:
            while True:
                try:
                    con = stack.enter_context(db.connect(self.path, memory_limit=self.duckdb_memory))
                    break
                except duckdb.IOException as exc:
                    if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                        raise
                    time.sleep(delay)
                    delay = min(delay * 2, 5.0)
            yield con

    def progress(self, stage: str, done: int, total: int) -> None:
        """Progress bars on stderr for long CLI loads (orchestration.progress).

        Only on a terminal (stdout and stderr both): in a log, a pipe, cron or
        CI nothing is written (unless `progress_mode`, `$OGI_PROGRESS`, says
        otherwise); the load's summary says what happened.
        """
        if not self.show_progress:
            return
        sink = getattr(self, "_progress_sink", None)
        if sink is None:
            from orchestration.progress import for_this_process

            sink = for_this_process(self.progress_mode)
            object.__setattr__(self, "_progress_sink", sink)
        sink.update(stage, done, total)


class InboxResource(dg.ConfigurableResource):
    """The folder reports are dropped into, and how the inbox sensor cuts it into batches."""

    path: str = Settings.inbox
    settle_seconds: float = Settings.inbox_settle_seconds  # newer files wait for a later tick
    batch_max_files: int = Settings.batch_max_files

    @classmethod
    def from_env(cls) -> InboxResource:
        return cls(
            path=env_or_default("inbox"),
            settle_seconds=env_or_default("inbox_settle_seconds"),
            batch_max_files=env_or_default("batch_max_files"),
        )
