"""The published snapshot: the file SQL users read, replaced atomically by each load.

Why a second file: DuckDB 2.0 allows one writer process per file, and while
a load writes the working file (`warehouse/ogi.duckdb`) even read-only
opens from other processes fail. So analysts never open the working file.
At the end of every load the `published` asset copies what analysts need
into a new file beside it and renames it over `ogi.published.duckdb`:

- a reader that has the old file open keeps reading the old state (the
  rename does not touch an open file), never a half-loaded one;
- a reader never blocks a load: the load writes a temporary file and
  `os.replace`s it, which needs no lock on the published file;
- a load killed at any moment leaves the published file exactly as it
  was; the temporary file it leaves behind is removed by the next publish.

The snapshot holds `published` (reports and every fact table, as real
tables of published reports only) and the `core` tables (reports,
sections, facts, check_results, load_errors — not the raw bytes and not
staging), with the same COMMENT ON documentation as the working file. It is
written in DuckDB's v1.0.0 storage format, which DuckDB 1.x clients (CLI,
DBeaver, older Python packages) can open; the working file has 2.0's
storage version 69, which they cannot.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# DuckDB 2.0: ATTACH '<file>' AS x (STORAGE_VERSION 'v1.0.0') writes a file
# every DuckDB since 1.0 can read (storage version 64; 2.0's own is 69).
STORAGE_VERSION = "v1.0.0"

PUBLISHED_TABLES = (
    "reports",
    "fact_active_disclosure",
    "fact_requests",
    "fact_review_litigation",
    "fact_narrative_figures",
    "fact_legacy_stats",
)
CORE_TABLES = (
    "reports",
    "sections",
    "fact_active_disclosure",
    "fact_requests",
    "fact_review_litigation",
    "fact_narrative_figures",
    "fact_legacy_stats",
    "check_results",
    "load_errors",
)

_ALIAS = "ogi_snapshot"
_TMP_MARK = ".tmp-"


@dataclass
class SnapshotStats:
    path: Path
    size_bytes: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    stale_removed: int = 0
    seconds: float = 0.0

    def as_metadata(self) -> dict[str, int | float | str]:
        meta: dict[str, int | float | str] = {
            "snapshot_path": str(self.path.resolve()),
            "snapshot_bytes": self.size_bytes,
            "snapshot_storage_version": STORAGE_VERSION,
            "snapshot_seconds": round(self.seconds, 3),
            "snapshot_stale_temp_files_removed": self.stale_removed,
        }
        meta.update({f"snapshot_rows.{t}": n for t, n in self.rows.items()})
        return meta


def published_path(db_path: str | Path) -> Path:
    """`warehouse/ogi.duckdb` → `warehouse/ogi.published.duckdb` (a published file maps to itself)."""
    path = Path(db_path)
    if path.name.endswith(".published.duckdb"):
        return path
    stem = path.name[: -len(".duckdb")] if path.name.endswith(".duckdb") else path.name
    return path.with_name(f"{stem}.published.duckdb")


def stale_temp_files(published: Path) -> list[Path]:
    """Temporary snapshot files (and their WALs) left by a load that was killed."""
    if not published.parent.is_dir():
        return []
    prefix = published.name + _TMP_MARK
    return sorted(p for p in published.parent.iterdir() if p.name.startswith(prefix))


def remove_stale_temp_files(published: Path) -> int:
    """Delete leftovers of killed loads.

    Only called while the caller holds the working file's writer lock, so no
    other load can be writing a temporary snapshot at the same time.
    """
    removed = 0
    for p in stale_temp_files(published):
        try:
            p.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comments(con: duckdb.DuckDBPyConnection) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str, str], str]]:
    """Table/view and column comments of the working file's `core` and `published` schemas."""
    (db_name,) = con.execute("SELECT current_database()").fetchone()
    tables: dict[tuple[str, str], str] = {}
    for schema, name, comment in con.execute(
        """
        SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = ?
        UNION ALL
        SELECT schema_name, view_name, comment FROM duckdb_views() WHERE database_name = ?
        """,
        [db_name, db_name],
    ).fetchall():
        if comment:
            tables[(schema, name)] = comment
    columns = {
        (schema, table, column): comment
        for schema, table, column, comment in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = ? AND comment IS NOT NULL AND comment <> ''",
            [db_name],
        ).fetchall()
    }
    return tables, columns


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> SnapshotStats:
    """Copy `published` and `core` from the working file into the published snapshot, atomically.

    `con` is the load's writer connection to the working file; nothing else
    writes it meanwhile, so the copy is one consistent state.
    """
    started = time.perf_counter()
    published = published_path(db_path)
    published.parent.mkdir(parents=True, exist_ok=True)
    stats = SnapshotStats(path=published)
    stats.stale_removed = remove_stale_temp_files(published)
    tmp = published.with_name(f"{published.name}{_TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    table_comments, column_comments = _comments(con)
    attached = False
    try:
        con.execute(f"ATTACH {_quote(str(tmp))} AS {_ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')")
        attached = True
        # One transaction: the copy reads one state of the working file, and
        # the ~100 COMMENT statements do not each pay for a commit.
        con.execute("BEGIN TRANSACTION")
        for schema, tables in (("published", PUBLISHED_TABLES), ("core", CORE_TABLES)):
            con.execute(f"CREATE SCHEMA {_ALIAS}.{schema}")
            for table in tables:
                target = f"{_ALIAS}.{schema}.{table}"
                con.execute(f"CREATE TABLE {target} AS SELECT * FROM {schema}.{table}")
                (n,) = con.execute(f"SELECT count(*) FROM {target}").fetchone()
                stats.rows[f"{schema}.{table}"] = n
                comment = table_comments.get((schema, table))
                if comment:
                    con.execute(f"COMMENT ON TABLE {target} IS {_quote(comment)}")
                for (s, t, column), text in column_comments.items():
                    if s == schema and t == table:
                        con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_quote(text)}')
        con.execute("COMMIT")
        con.execute(f"CHECKPOINT {_ALIAS}")
        con.execute(f"DETACH {_ALIAS}")
        attached = False
        wal = tmp.with_name(tmp.name + ".wal")
        if wal.exists():  # everything must be in the one file that is renamed
            raise RuntimeError(f"snapshot {tmp} still has a WAL after DETACH; not publishing it")
        _fsync(tmp)
        os.replace(tmp, published)
        _fsync(published.parent, directory=True)
    except BaseException:
        if attached:
            for statement in ("ROLLBACK", f"DETACH {_ALIAS}"):
                try:
                    con.execute(statement)
                except duckdb.Error:
                    pass  # no transaction open, or already detached
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    stats.size_bytes = published.stat().st_size
    stats.seconds = time.perf_counter() - started
    return stats
