"""Opening the DuckDB file and moving frames in and out of it.

Every write goes through `write_frame` (Polars → Arrow → DuckDB in one
statement): row-by-row inserts run at a few documents per second and are
never used. Connections are always closed by `connect`'s context manager,
because a DuckDB file stays locked while any writer connection lives.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from warehouse.defaults import DEFAULT_MEMORY_LIMIT

_SQL_FILES = ("10_raw.sql", "20_staging.sql", "30_core.sql", "40_published.sql")


def _ddl() -> list[str]:
    pkg = resources.files("warehouse") / "sql"
    return [(pkg / name).read_text(encoding="utf-8") for name in _SQL_FILES]


@contextlib.contextmanager
def connect(
    path: str | Path, *, read_only: bool = False, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, with the schema in place when writable.

    `memory_limit` caps DuckDB's buffer pool (the caller's configuration: `$OGI_DUCKDB_MEMORY`)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            # Stages commit a batch at a time; checkpointing at DuckDB's default
            # 16 MB of WAL made commits half of a stage's parent time. The file
            # is checkpointed when the connection closes.
            con.execute("SET checkpoint_threshold = '1GB'")
            # DuckDB's buffer pool defaults to 80% of RAM and keeps what it read;
            # a load's memory must stay flat whatever the warehouse size, so the
            # pool is capped (DuckDB spills to disk past it).
            con.execute(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")
            ensure_schema(con)
        yield con
    finally:
        con.close()


def _ddl_hash(scripts: list[str]) -> str:
    return hashlib.sha256("\n".join(scripts).encode()).hexdigest()


def _applied_hash(con: duckdb.DuckDBPyConnection) -> str | None:
    # fetchall, not fetchone: a result read only in part keeps the connection's transaction open, and
    # a run's steps work on cursors of this connection; that open transaction made every CHECKPOINT
    # after an UPDATE fail ("there are other write transactions active")
    try:
        rows = con.execute("SELECT max(ddl_sha256) FROM staging.schema_state").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every layer (idempotent) and document the published views' columns.

    Why the hash: the DDL is a few hundred statements (mostly COMMENT ON) and
    costs most of a second; every stage opens the file, so the DDL is only
    run when it differs from what this file last received, in one transaction.
    """
    scripts = _ddl()
    digest = _ddl_hash(scripts)
    if _applied_hash(con) == digest:
        return
    with transaction(con):
        for script in scripts:
            con.execute(script)
        _copy_column_comments(con)
        con.execute("DELETE FROM staging.schema_state")
        con.execute("INSERT INTO staging.schema_state VALUES (?)", [digest])


def _copy_column_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Published views carry the same column comments as their core tables.

    Writing them twice by hand would let the two drift apart; the core DDL is
    the one place a column is described.
    """
    rows = con.execute(
        """
        SELECT v.table_name, v.column_name, c.comment
        FROM duckdb_columns() v
        JOIN duckdb_columns() c
          ON c.schema_name = 'core' AND c.table_name = v.table_name AND c.column_name = v.column_name
        WHERE v.schema_name = 'published' AND c.comment IS NOT NULL
          AND (v.comment IS NULL OR v.comment <> c.comment)
        """
    ).fetchall()
    for table, column, comment in rows:
        con.execute(
            f"COMMENT ON COLUMN published.{table}.{column} IS '{comment.replace(chr(39), chr(39) * 2)}'"
        )


def write_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a Polars frame to `table`, matching columns by name; returns rows written."""
    if frame.height == 0:
        return 0
    con.register("_ogi_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _ogi_frame")
    finally:
        con.unregister("_ogi_frame")
    return frame.height


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return a Polars frame."""
    return con.sql(sql, params=params).pl()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All-or-nothing: a batch is either fully written or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
