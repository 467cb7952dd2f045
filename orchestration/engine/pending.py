"""What a load of some files will have to do, asked before its run is started.

`ogi load` asks this first (a stat per file and a few ledger queries,
tenths of a second) so that

- a load with files to read starts its parser workers and the GX process
  at once, and their start-up overlaps the run's own set-up;
- a reload where every file is stored unchanged, no stage has anything
  pending at this parser version (nor a document that waited for
  LibreOffice or OCR that is now installed) and the published snapshot is the one
  this warehouse last wrote does not start a run at all: there is nothing a
  run could change (loading the same files twice changes nothing), and the
  answer comes in a fraction of the time a Dagster run takes to set up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.ingest import unseen_files
from warehouse.snapshot import is_current
from orchestration.engine.convert import Converter
from orchestration.engine.sources import SOURCES, waiting_for_tools
from orchestration.engine.stages import pending_doc_ids


@dataclass(frozen=True)
class LoadPlan:
    files_seen: int  # report files under the paths
    files_to_read: int  # not stored with this path, size and modification time
    files_failing: int  # a read error would be recorded (too large, unreadable, a link outside)
    documents_pending: int  # stored documents some stage has still to process at this parser version
    snapshot_current: bool

    @property
    def nothing_to_do(self) -> bool:
        return not (self.files_to_read or self.files_failing or self.documents_pending) and self.snapshot_current


def plan_load(con: duckdb.DuckDBPyConnection, db_path: str | Path, paths: list[str], converter: Converter) -> LoadPlan:
    """What loading `paths` into the warehouse behind `con` would do (with this LibreOffice)."""
    seen, to_read, failing = unseen_files(con, paths)
    pending: set[str] = set()
    for stage, source_sql in SOURCES.items():
        pending.update(pending_doc_ids(con, stage, source_sql))
    return LoadPlan(
        files_seen=seen,
        files_to_read=to_read,
        files_failing=failing,
        documents_pending=len(pending) + waiting_for_tools(con, converter),
        snapshot_current=is_current(con, db_path),
    )
