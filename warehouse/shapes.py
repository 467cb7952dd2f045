"""Each table's shape, stated once: the DDL (warehouse/sql), read back as Polars dtypes.

Why: the frames written to a table used to carry hand-written Polars schemas
next to the DDL (five to eight copies of some tables), and a column added to
the DDL but not to a schema was silently left NULL or failed a load. Here an
in-memory DuckDB is built from the same DDL the warehouse gets, and every
table's columns are read back through DuckDB's own Arrow conversion, so the
dtypes are exactly those a `SELECT` of the table returns (VARCHAR → String,
INTEGER → Int32, DECIMAL(24, 6) → Decimal(24, 6), TIMESTAMP → Datetime("us"),
VARCHAR[] → List(String), JSON → String …). Built once per process (~0.2 s).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import duckdb
import polars as pl

from warehouse import db


@functools.cache
def _readback() -> tuple[dict[str, dict[str, pl.DataType]], dict[str, list[tuple[str, str, bool, str | None]]]]:
    """The DDL built once in memory and read back: every table's Polars dtypes, and every
    table's (column, type, nullable, comment) for the Dagster catalog. One build serves both
    (each cost a load ≈0.1 s of its start-up)."""
    con = duckdb.connect(":memory:")
    try:
        db.ensure_schema(con)
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        schemas = {name: dict(con.sql(f"SELECT * FROM {name} LIMIT 0").pl().schema) for (name,) in tables}
        described: dict[str, list[tuple[str, str, bool, str | None]]] = {}
        for table, name, dtype, nullable, comment in con.execute(
            "SELECT schema_name || '.' || table_name, column_name, data_type, is_nullable, comment "
            "FROM duckdb_columns() WHERE schema_name IN ('raw', 'staging', 'core', 'published') "
            "ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            described.setdefault(table, []).append((name, dtype, bool(nullable), comment))
        return schemas, described
    finally:
        con.close()


def _schemas() -> dict[str, dict[str, pl.DataType]]:
    return _readback()[0]


def ddl_columns() -> dict[str, list[tuple[str, str, bool, str | None]]]:
    """Every DDL table's and view's (column, type, nullable, comment), in column order."""
    return _readback()[1]


def tables() -> list[str]:
    """Every table of the warehouse, `schema.table`."""
    return list(_schemas())


def frame_schema(table: str, columns: Iterable[str] | None = None) -> dict[str, pl.DataType]:
    """`table`'s columns → Polars dtypes, in table order; or only `columns`, in the order given.

    A column the table does not have is a KeyError naming both: a writer that
    names it has drifted from the DDL.
    """
    schema = _schemas()[table]
    if columns is None:
        return dict(schema)
    try:
        return {name: schema[name] for name in columns}
    except KeyError as missing:
        raise KeyError(f"{table} has no column {missing.args[0]!r} (warehouse/sql is the table's shape)") from None


def empty_frame(table: str) -> pl.DataFrame:
    """A frame of no rows with `table`'s columns."""
    return pl.DataFrame(schema=frame_schema(table))


def rows_frame(table: str, rows: list[dict] | dict[str, list], columns: Iterable[str] | None = None) -> pl.DataFrame:
    """Rows (dicts) or columns (name → values) as a frame typed like `table` (its columns, or `columns`).

    With rows and no `columns`, every column of the table is present (missing ones NULL).
    """
    if isinstance(rows, dict):
        return pl.DataFrame(rows, schema=frame_schema(table, columns if columns is not None else rows.keys()))
    return pl.DataFrame(rows, schema=frame_schema(table, columns))
