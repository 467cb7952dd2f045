"""`ogi query`: one read-only statement against the published snapshot.

Queries read the published snapshot (`ogi.published.duckdb` beside the
working file, see warehouse/snapshot.py), never the file a load is writing:
a query therefore never waits for a load, never makes a load fail, and
never sees a half-finished one. Only before the first publish, when no
snapshot exists yet, does it fall back to the working file (read-only).

The connection is opened read-only with external access disabled, so a
statement can neither write the warehouse nor read or write files outside
it (COPY … TO, read_csv('/etc/passwd'), ATTACH, INSTALL/LOAD all fail);
on top of that only a single SELECT-like statement is accepted, with a
clear message for anything else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from warehouse.snapshot import published_path

_ALLOWED = {"SELECT", "EXPLAIN"}


class QueryRefused(Exception):
    """The statement is not a single read-only query."""


def query_target(db_path: str | Path) -> Path:
    """The file queries read: the published snapshot, else the working file."""
    snapshot = published_path(db_path)
    return snapshot if snapshot.exists() else Path(db_path)


def open_read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the published snapshot of `db_path`."""
    target = query_target(db_path)
    if not target.exists():
        raise QueryRefused(f"no warehouse at {db_path}: run `ogi load` first")
    try:
        con = duckdb.connect(
            str(target),
            read_only=True,
            config={"enable_external_access": False, "autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.IOException as exc:
        if target != published_path(db_path) and "lock" in str(exc).lower():
            raise QueryRefused(
                f"{target} is being written by a load and nothing has been published yet; retry when the load is done"
            ) from exc
        raise
    con.execute("SET search_path = 'published,core'")
    con.execute("SET lock_configuration = true")
    return con


def _check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise QueryRefused(f"exactly one statement is accepted, got {len(statements)}")
    kind = statements[0].type.name
    if kind not in _ALLOWED:
        raise QueryRefused(f"{kind} statements are not allowed: the warehouse is read-only for queries")


def run_query(db_path: str | Path, sql: str) -> pl.DataFrame:
    con = open_read_only(db_path)
    try:
        _check_statement(con, sql)
        return con.sql(sql).pl()
    finally:
        con.close()
