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

The file a publish replaces is kept beside it as a spare
(`ogi.published.duckdb.spare`, a hard link taken before the rename), and the
next publish brings that spare up to date in place and renames it over the
published file, instead of copying the published file first. Copying
(≈0.25 s for 950 MB) and then flushing the copy to disk (≈0.4 s, and
seconds when the disk is busy) were most of publishing one more report into
a warehouse of 100,000 (issue 17); in place, only the pages that change are
written. The spare is used only when it is the file this warehouse last
recorded under that name, and only when no reader has it open: DuckDB's
file lock refuses a writer then, and the publish copies as before, so a
reader never sees its file change. The price is disk space: the snapshot
is kept twice.

The snapshot holds `published` (reports and every fact table, as real
tables of published reports only) and the `core` tables (reports,
sections, facts, check_results, load_errors — not the raw bytes and not
staging), with the same COMMENT ON documentation as the working file. It is
written in DuckDB's v1.0.0 storage format, which DuckDB 1.x clients (CLI,
DBeaver, older Python packages) can open; the working file has 2.0's
storage version 69, which they cannot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

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
    "agency_years",
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

# Small tables of no document, copied whole on every update (not by doc_id).
WHOLE_TABLES = (("core", "validation_runs"),)

# Every table the snapshot holds, as (schema, table).
SNAPSHOT_TABLES = (
    tuple(("published", t) for t in PUBLISHED_TABLES) + tuple(("core", t) for t in CORE_TABLES) + WHOLE_TABLES
)

_ALIAS = "ogi_snapshot"
_TMP_MARK = ".tmp-"
_SPARE_SUFFIX = ".spare"


@dataclass
class SnapshotStats:
    path: Path
    size_bytes: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    stale_removed: int = 0
    seconds: float = 0.0
    mode: str = "full"  # full | incremental | unchanged
    changed_documents: int = 0
    base: str = ""  # what an incremental update started from: spare (updated in place) | copy

    def as_metadata(self) -> dict[str, int | float | str]:
        meta: dict[str, int | float | str] = {
            "snapshot_path": str(self.path.resolve()),
            "snapshot_bytes": self.size_bytes,
            "snapshot_storage_version": STORAGE_VERSION,
            "snapshot_seconds": round(self.seconds, 3),
            "snapshot_stale_temp_files_removed": self.stale_removed,
            "snapshot_mode": self.mode,
            "snapshot_changed_documents": self.changed_documents,
            "snapshot_base": self.base,
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


def spare_path(published: Path) -> Path:
    """`ogi.published.duckdb` → `ogi.published.duckdb.spare`: the snapshot before the current one,
    which the next publish updates in place (see the module docstring). Not for reading."""
    return published.with_name(published.name + _SPARE_SUFFIX)


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


def _layout(con: duckdb.DuckDBPyConnection, comments: tuple[dict, dict]) -> str:
    """A fingerprint of what a snapshot holds: the copied tables' columns and their comments."""
    (db_name,) = con.execute("SELECT current_database()").fetchone()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name IN ('core', 'published') ORDER BY ALL",
        [db_name],
    ).fetchall()
    copied = ("core", "published")
    table_comments = sorted((k, v) for k, v in comments[0].items() if k[0] in copied)
    column_comments = sorted((k, v) for k, v in comments[1].items() if k[0] in copied)
    text = repr((STORAGE_VERSION, SNAPSHOT_TABLES, columns, table_comments, column_comments))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class _Previous:
    watermark: object
    changed_since_full: int


def _previous(con: duckdb.DuckDBPyConnection, published: Path, layout: str) -> _Previous | None:
    """The last snapshot this file wrote, if the file on disk is still exactly that one."""
    row = con.execute(
        "SELECT watermark, layout, size_bytes, mtime_ns, changed_since_full FROM staging.snapshot_log WHERE path = ?",
        [str(published.resolve())],
    ).fetchone()
    if row is None or not published.exists():
        return None
    watermark, old_layout, size, mtime_ns, changed_since_full = row
    st = published.stat()
    if old_layout != layout or st.st_size != size or st.st_mtime_ns != mtime_ns or watermark is None:
        return None
    return _Previous(watermark, changed_since_full)


def last_published_watermark(con: duckdb.DuckDBPyConnection):
    """The stage ledger's time the last snapshot was written at (None before the first publish):
    documents some stage processed after it are what the next publish re-copies and what the gates
    before it need look at."""
    (watermark,) = con.execute("SELECT max(watermark) FROM staging.snapshot_log").fetchone()
    return watermark


def is_current(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> bool:
    """Whether the snapshot on disk is the one this warehouse last wrote, and no stage has run since."""
    previous = _previous(con, published_path(db_path), _layout(con, _comments(con)))
    if previous is None:
        return False
    return not con.execute("SELECT 1 FROM staging.stage_ledger WHERE done_at > ? LIMIT 1", [previous.watermark]).fetchall()


# SQL: the documents some stage (parse, check) processed after `$since` (a publish's watermark):
# what an update re-copies, and the only documents that can have lost their report since.
PROCESSED_SINCE = "SELECT DISTINCT doc_id FROM staging.stage_ledger WHERE done_at > $since"


def _changed_docs(con: duckdb.DuckDBPyConnection, since) -> list[str]:
    """Documents some stage (parse, check) processed after the snapshot was written."""
    return [r[0] for r in con.execute(f"{PROCESSED_SINCE} ORDER BY doc_id", {"since": since}).fetchall()]


def _too_many(changed: int, changed_since_full: int, reports: int) -> bool:
    """Whether an update would re-copy so much that a full rewrite is due (see write_snapshot)."""
    return changed > max(2000, reports // 5) or changed_since_full + changed > max(2000, reports)


def _take_spare(con, published: Path, spare: Path, tmp: Path, layout: str, reports: int) -> tuple[list[str], int] | None:
    """Move the spare to `tmp` and attach it for writing, if it can be brought up to date in place:
    it is the file this warehouse last recorded under that name, few enough documents changed
    since it was written, and no reader has it open (DuckDB's lock refuses the writer then; the
    file is left to the reader). Returns its changed documents and changed_since_full, or None."""
    previous = _previous(con, spare, layout)
    if previous is None or os.path.samefile(spare, published):
        # not recorded, or still the published file itself (a publish stopped between the link and
        # the rename): updating that one in place would lock it against new readers meanwhile
        return None
    changed = _changed_docs(con, previous.watermark)
    if _too_many(len(changed), previous.changed_since_full, reports):
        return None
    os.replace(spare, tmp)
    try:
        con.execute(f"ATTACH {_quote(str(tmp))} AS {_ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')")
    except duckdb.IOException:
        tmp.unlink(missing_ok=True)  # a reader holds it: its name goes, the reader keeps its file
        return None
    return changed, previous.changed_since_full


def _keep_as_spare(con, published: Path, spare: Path, previous: _Previous | None) -> None:
    """Before `published` is replaced: link the file as the spare, with its log row under the
    spare's name, if that row says what the file holds (otherwise no spare is kept)."""
    con.execute("DELETE FROM staging.snapshot_log WHERE path = ?", [str(spare.resolve())])
    spare.unlink(missing_ok=True)
    if previous is None:
        return
    try:
        os.link(published, spare)
    except OSError:
        return  # a filesystem without hard links: every update copies
    con.execute(
        "INSERT INTO staging.snapshot_log SELECT ?, watermark, layout, size_bytes, mtime_ns, changed_since_full, written_at "
        "FROM staging.snapshot_log WHERE path = ?",
        [str(spare.resolve()), str(published.resolve())],
    )


def _copy_tables(con, comments: tuple[dict, dict]) -> None:
    table_comments, column_comments = comments
    for schema in dict.fromkeys(schema for schema, _ in SNAPSHOT_TABLES):
        con.execute(f"CREATE SCHEMA {_ALIAS}.{schema}")
    for schema, table in SNAPSHOT_TABLES:
        target = f"{_ALIAS}.{schema}.{table}"
        con.execute(f"CREATE TABLE {target} AS SELECT * FROM {schema}.{table}")
        comment = table_comments.get((schema, table))
        if comment:
            con.execute(f"COMMENT ON TABLE {target} IS {_quote(comment)}")
        for (s, t, column), text in column_comments.items():
            if s == schema and t == table:
                con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_quote(text)}')


def _apply_changes(con, changed: list[str]) -> None:
    """Replace the rows of the changed documents, and the rows of no document (read errors, corpus rules)."""
    con.register("_ogi_changed", pl.DataFrame({"doc_id": changed}, schema={"doc_id": pl.String}))
    where = "doc_id IS NULL OR doc_id IN (SELECT doc_id FROM _ogi_changed)"
    try:
        for schema, table in SNAPSHOT_TABLES:
            target = f"{_ALIAS}.{schema}.{table}"
            rows = "TRUE" if (schema, table) in WHOLE_TABLES else where
            con.execute(f"DELETE FROM {target} WHERE {rows}")
            con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM {schema}.{table} WHERE {rows}")
    finally:
        con.unregister("_ogi_changed")


def _unchanged(con, published: Path) -> bool:
    """No document changed: do the rows of no document (read errors, corpus-level checks) match too?"""
    con.execute(f"ATTACH {_quote(str(published))} AS {_ALIAS} (READ_ONLY)")
    try:
        for schema, table in (("core", "load_errors"), ("core", "check_results"), *WHOLE_TABLES):
            rows = "TRUE" if (schema, table) in WHOLE_TABLES else "doc_id IS NULL"
            for a, b in ((f"{schema}.{table}", f"{_ALIAS}.{schema}.{table}"), (f"{_ALIAS}.{schema}.{table}", f"{schema}.{table}")):
                (n,) = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {a} WHERE {rows} EXCEPT ALL SELECT * FROM {b} WHERE {rows})"
                ).fetchone()
                if n:
                    return False
        return True
    finally:
        con.execute(f"DETACH {_ALIAS}")


def _count_rows(con, stats: SnapshotStats, alias: str) -> None:
    for schema, table in SNAPSHOT_TABLES:
        (stats.rows[f"{schema}.{table}"],) = con.execute(f"SELECT count(*) FROM {alias}.{schema}.{table}").fetchone()


def write_snapshot(con: duckdb.DuckDBPyConnection, db_path: str | Path, *, full: bool = False) -> SnapshotStats:
    """Bring the published snapshot up to the working file's published state, atomically.

    `con` is the load's writer connection to the working file; nothing else
    writes it meanwhile, so the copy is one consistent state. Rewriting a
    100k-report snapshot takes minutes, so when the file on disk is the one
    this warehouse last wrote (staging.snapshot_log) only the documents
    processed since are re-copied, into the spare (the snapshot before it,
    brought up to date in place) or else into a copy of it, which is then
    renamed over it; when nothing changed the file is left alone. A full rewrite
    happens on the first publish, when the layout changed, when a fifth of the
    reports changed, or once updates since the last full rewrite re-copied
    more documents than there are reports (their deleted rows are dead space).
    """
    started = time.perf_counter()
    published = published_path(db_path)
    published.parent.mkdir(parents=True, exist_ok=True)
    stats = SnapshotStats(path=published)
    stats.stale_removed = remove_stale_temp_files(published)
    comments = _comments(con)
    layout = _layout(con, comments)
    (watermark,) = con.execute("SELECT max(done_at) FROM staging.stage_ledger").fetchone()
    on_disk = _previous(con, published, layout)  # None: not the file this warehouse last wrote there
    previous = None if full else on_disk
    changed: list[str] | None = None
    (reports,) = con.execute("SELECT count(*) FROM core.reports").fetchone()
    if previous is not None:
        changed = _changed_docs(con, previous.watermark)
        if _too_many(len(changed), previous.changed_since_full, reports):
            changed = None
    if changed == [] and _unchanged(con, published):
        stats.mode = "unchanged"
        _finish(con, stats, published, started)
        _record(con, published, watermark, layout, previous.changed_since_full)
        return stats
    tmp = published.with_name(f"{published.name}{_TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    spare = spare_path(published)
    since_full = 0
    attached = False
    try:
        if changed is not None:
            taken = _take_spare(con, published, spare, tmp, layout, reports)
            attached = taken is not None
            if taken is not None:
                (changed, since_full), stats.base = taken, "spare"
            else:
                shutil.copyfile(published, tmp)
                since_full, stats.base = previous.changed_since_full, "copy"
        if not attached:
            con.execute(f"ATTACH {_quote(str(tmp))} AS {_ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')")
            attached = True
        # One transaction: the copy reads one state of the working file, and
        # the ~100 COMMENT statements do not each pay for a commit.
        con.execute("BEGIN TRANSACTION")
        if changed is None:
            _copy_tables(con, comments)
        else:
            _apply_changes(con, changed)
            stats.mode, stats.changed_documents = "incremental", len(changed)
        con.execute("COMMIT")
        _count_rows(con, stats, _ALIAS)
        con.execute(f"CHECKPOINT {_ALIAS}")
        con.execute(f"DETACH {_ALIAS}")
        attached = False
        wal = tmp.with_name(tmp.name + ".wal")
        if wal.exists():  # everything must be in the one file that is renamed
            raise RuntimeError(f"snapshot {tmp} still has a WAL after DETACH; not publishing it")
        _fsync(tmp)
        if published.exists():
            _keep_as_spare(con, published, spare, on_disk)
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
    _record(con, published, watermark, layout, 0 if changed is None else since_full + len(changed))
    _finish(con, stats, published, started)
    return stats


def _finish(con, stats: SnapshotStats, published: Path, started: float) -> None:
    stats.size_bytes = published.stat().st_size
    if not stats.rows:
        con.execute(f"ATTACH {_quote(str(published))} AS {_ALIAS} (READ_ONLY)")
        try:
            _count_rows(con, stats, _ALIAS)
        finally:
            con.execute(f"DETACH {_ALIAS}")
    stats.seconds = time.perf_counter() - started


def _record(con, published: Path, watermark, layout: str, changed_since_full: int) -> None:
    """Remember what the file on disk now holds (after the rename: a crash before this forces a full rewrite)."""
    st = published.stat()
    con.execute("DELETE FROM staging.snapshot_log WHERE path = ?", [str(published.resolve())])
    con.execute(
        "INSERT INTO staging.snapshot_log VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
        [str(published.resolve()), watermark, layout, st.st_size, st.st_mtime_ns, changed_since_full],
    )
