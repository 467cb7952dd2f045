"""Stage 1 — raw_documents: file bytes into the warehouse, and the ingest batch they came in.

Ingest batches are the dynamic partitions of `ingest_batches`: one
partition is one batch of files (whatever the inbox sensor found new in one
tick, or one `ogi load`), never one document. `ingest_batches` records
batches and is not computed itself: a batch run is tagged `ogi/batch`, and
`raw_documents` reports the batch's partition materialization (files seen,
new, skipped) when it has stored the bytes. The executable graph stays
unpartitioned — every stage works through whatever the stage ledger says is
pending — so one batch run takes its files all the way to `published`, and
`dagster asset materialize --select '*'` runs without a partition key.

A run without a batch tag (a test, the Dagster CLI) is an unnamed batch of
the configured paths, or of the inbox: content is keyed by sha256, so what
is already stored is skipped.
"""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.jobs import BATCH_TAG
from orchestration.resources import InboxResource, WarehouseResource
from warehouse.ingest import ingest_files

ingest_batches = dg.DynamicPartitionsDefinition(name="ingest_batches")

ingest_batches_asset = dg.AssetSpec(
    "ingest_batches",
    partitions_def=ingest_batches,
    group_name="ingest",
    description="One partition per ingest batch (a sensor tick's new files, or one `ogi load`); "
    "materialized by raw_documents with the batch's counts.",
)


class IngestConfig(dg.Config):
    """Files and folders to load; by default the inbox folder (the `inbox` resource, $OGI_INBOX)."""

    paths: list[str] = []


@dg.asset(group_name="ingest", kinds={"duckdb"}, metadata=definition_metadata("raw_documents"))
def raw_documents(
    context: AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource, inbox: InboxResource
) -> dg.MaterializeResult:
    """Raw bytes of every report file of the batch, keyed by sha256; already-loaded content is skipped."""
    paths = config.paths or [inbox.path]
    batch = context.run.tags.get(BATCH_TAG, "")
    with warehouse.connect() as con:
        stats = ingest_files(con, paths, progress=warehouse.progress)
        rows = row_count(con, "raw_documents")
    if stats.new:
        # New documents will be parsed and checked: start the parser workers and the GX process
        # now, so their start-up runs alongside this run's next steps instead of inside them.
        warehouse.pool().prestart(stats.new)
        warehouse.validator().start_early(stats.new)
    meta = {"batch": batch or "(none)", "paths_given": len(paths), **stats.as_metadata()}
    context.log.info(f"ingest {batch or '(no batch)'}: {stats.as_metadata()}")
    if batch:
        context.log_event(dg.AssetMaterialization(asset_key="ingest_batches", partition=batch, metadata=meta))
    return dg.MaterializeResult(metadata={**meta, **rows})
