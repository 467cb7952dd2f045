"""Stage 1 — raw_documents: file bytes into the warehouse."""


import os

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.resources import WarehouseResource
from warehouse.ingest import ingest_files


class IngestConfig(dg.Config):
    """Files and folders to load; by default the inbox folder (OGI_INBOX)."""

    paths: list[str] = []


@dg.asset(group_name="ingest", kinds={"duckdb"})
def raw_documents(context: AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Raw bytes of every report file, keyed by sha256; already-loaded content is skipped."""
    paths = config.paths or [os.environ.get("OGI_INBOX", "inbox")]
    with warehouse.connect() as con:
        stats = ingest_files(con, paths, progress=warehouse.progress)
    context.log.info(f"ingest: {stats.as_metadata()}")
    return dg.MaterializeResult(metadata=stats.as_metadata())
