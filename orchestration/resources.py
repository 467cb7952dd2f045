"""Resources, configured in one place: where the warehouse lives and how loud a run is."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from warehouse import db
from warehouse.snapshot import published_path
from orchestration.engine.workers import Limits


def default_db_path() -> str:
    """The working warehouse file: `$OGI_DB`, else warehouse/ogi.duckdb (read when used, not at import)."""
    return os.environ.get("OGI_DB") or db.DEFAULT_DB


def default_inbox() -> str:
    """The folder reports are dropped into: `$OGI_INBOX`, else inbox/."""
    return os.environ.get("OGI_INBOX") or "inbox"


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Steps open it one at a time and always close it.

    DuckDB allows one writer process per file, and a connection left open by
    a failed step keeps the lock, so every use goes through `connect()`.
    Scheduled runs are serialised by the instance's run queue (dagster.yaml,
    tag `ogi/warehouse_writer`); a CLI load that overlaps one waits here for
    the other process's step to close the file, up to `lock_wait_seconds`.
    """

    db_path: str | None = None  # None: $OGI_DB at the time of use, else warehouse/ogi.duckdb
    show_progress: bool = False
    lock_wait_seconds: float = 600.0
    # Per-document limits of the parser stages (orchestration.engine.workers); 0 / None: $OGI_WORKERS,
    # $OGI_DOC_SECONDS, $OGI_DOC_MEMORY_MB, else one worker per core, 120 s, 2048 MB.
    workers: int = 0
    doc_seconds: float | None = None
    doc_memory_mb: int | None = None

    @property
    def limits(self) -> Limits:
        base = Limits()
        return Limits(
            workers=self.workers,
            seconds=self.doc_seconds or float(os.environ.get("OGI_DOC_SECONDS") or base.seconds),
            memory_mb=self.doc_memory_mb or int(os.environ.get("OGI_DOC_MEMORY_MB") or base.memory_mb),
        )

    @property
    def path(self) -> str:
        return self.db_path or default_db_path()

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
                    con = stack.enter_context(db.connect(self.path))
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
        CI nothing is written (unless `$OGI_PROGRESS` says otherwise); the
        load's summary says what happened.
        """
        if not self.show_progress:
            return
        sink = getattr(self, "_progress_sink", None)
        if sink is None:
            from orchestration.progress import for_this_process

            sink = for_this_process()
            object.__setattr__(self, "_progress_sink", sink)
        sink.update(stage, done, total)
