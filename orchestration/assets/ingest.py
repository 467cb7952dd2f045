"""Stage 1 — raw_documents: file bytes into the warehouse, one ingest batch per partition.

`raw_documents` is partitioned by the dynamic `ingest_batches` partitions:
one partition is one batch of files (whatever the inbox sensor found new in
one tick, or one `ogi load`), never one document. Every other asset is
unpartitioned: they work through whatever the stage ledger says is pending,
so a batch run (partition key = the batch) takes its files all the way to
`published` in the same run. Dagster 1.13 runs a partitioned asset and its
unpartitioned downstream assets together in one run; the partition key
applies to `raw_documents` only.

A run without a partition key (a test, `dagster job execute`) is an
unnamed batch of the configured paths. A batch run without paths (e.g. a
partition re-materialized from the UI) loads the whole inbox: content is
keyed by sha256, so what is already stored is skipped.
"""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.resources import WarehouseResource, default_inbox
from warehouse.ingest import ingest_files

ingest_batches = dg.DynamicPartitionsDefinition(name="ingest_batches")


class IngestConfig(dg.Config):
    """Files and folders to load; by default the inbox folder (OGI_INBOX)."""

    paths: list[str] = []


@dg.asset(group_name="ingest", kinds={"duckdb"}, partitions_def=ingest_batches)
def raw_documents(context: AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Raw bytes of every report file of the batch, keyed by sha256; already-loaded content is skipped."""
    paths = config.paths or [default_inbox()]
    batch = context.partition_key if context.has_partition_key else ""
    with warehouse.connect() as con:
        stats = ingest_files(con, paths, progress=warehouse.progress)
    meta = {"batch": batch or "(none)", "paths_given": len(paths), **stats.as_metadata()}
    context.log.info(f"ingest {batch or '(no batch)'}: {stats.as_metadata()}")
    return dg.MaterializeResult(metadata=meta)
