"""`ogi query`: one read-only statement against the warehouse.

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

_ALLOWED = {"SELECT", "EXPLAIN"}


class QueryRefused(Exception):
    """The statement is not a single read-only query."""


def open_read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    if not Path(db_path).exists():
        raise QueryRefused(f"no warehouse at {db_path}: run `ogi load` first")
    con = duckdb.connect(
        str(db_path),
        read_only=True,
        config={"enable_external_access": False, "autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
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
