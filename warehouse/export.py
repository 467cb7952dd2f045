"""`ogi export`: the published tables as files, one per table, from the published snapshot.

`--format xlsx` (one workbook in the official form's layout) is written by
orchestration/reports/workbook.py, which needs the form's labels; the CLI
routes that format there, so this module stays storage-only.

Reads the snapshot (never the working file), so an export can run while a
load is in progress and always shows one complete published state. Each
file is written under a temporary name and renamed into place, so a
folder never holds a half-written table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.snapshot import PUBLISHED_TABLES, published_path

FORMATS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)"}


class ExportError(Exception):
    """Nothing to export (no published snapshot yet) or an unknown format."""


@dataclass(frozen=True)
class ExportedTable:
    table: str
    path: Path
    rows: int


def snapshot_to_export(db_path: str | Path) -> Path:
    """The published snapshot of `db_path`, or ExportError when no load has published one."""
    snapshot = published_path(db_path)
    if not snapshot.exists():
        raise ExportError(f"no published snapshot at {snapshot}: run `ogi load` first")
    return snapshot


def export_published(db_path: str | Path, out_dir: str | Path, fmt: str = "parquet") -> list[ExportedTable]:
    """Write `published.<table>` of the snapshot of `db_path` to `out_dir/<table>.<fmt>`."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}, xlsx")
    snapshot = snapshot_to_export(db_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[ExportedTable] = []
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        for table in PUBLISHED_TABLES:
            final = out / f"{table}.{fmt}"
            tmp = out / f".{table}.{fmt}.tmp-{os.getpid()}"
            path_sql = "'" + str(tmp).replace("'", "''") + "'"
            con.execute(f"COPY published.{table} TO {path_sql} {FORMATS[fmt]}")
            (rows,) = con.execute(f"SELECT count(*) FROM published.{table}").fetchone()
            os.replace(tmp, final)
            written.append(ExportedTable(table, final, rows))
    finally:
        con.close()
    return written
