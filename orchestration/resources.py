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
        """A one-line progress indicator on stderr for long CLI loads."""
        if not self.show_progress:
            return
        now = time.monotonic()
        last = getattr(self, "_last_tick", 0.0)
        if done not in (0, total) and now - last < 0.5:
            return
        object.__setattr__(self, "_last_tick", now)
        suffix = f"{done}/{total}" if total else f"{done}"
        end = "\n" if total and done >= total else ""
        sys.stderr.write(f"\r  {stage:<16} {suffix:>15}{end}")
        sys.stderr.flush()
