"""Resources, configured in one place: where the warehouse lives and how loud a run is."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import dagster as dg
import duckdb

from warehouse import db


def default_db_path() -> str:
    return os.environ.get("OGI_DB", db.DEFAULT_DB)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Steps open it one at a time and always close it.

    DuckDB allows one writer process per file, and a connection left open by
    a failed step keeps the lock, so every use goes through `connect()`.
    """

    db_path: str = default_db_path()
    show_progress: bool = False

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.connect(self.db_path) as con:
            yield con

    def progress(self, stage: str, done: int, total: int) -> None:
        """A progress indicator on stderr for long CLI loads.

        On a terminal one line per stage is redrawn in place; in a log (CI,
        cron) only the stage's final count is written, once.
        """
        if not self.show_progress:
            return
        finished = bool(total) and done >= total
        if not sys.stderr.isatty():
            if finished:
                sys.stderr.write(f"  {stage:<16} {done}/{total}\n")
            return
        now = time.monotonic()
        if not finished and done and now - getattr(self, "_last_tick", 0.0) < 0.5:
            return
        object.__setattr__(self, "_last_tick", now)
        count = f"{done}/{total}" if total else f"{done}"
        sys.stderr.write(f"\r  {stage:<16} {count:>15}" + ("\n" if finished else ""))
        sys.stderr.flush()
