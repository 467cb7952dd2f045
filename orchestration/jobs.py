"""The two jobs: a load (one ingest batch through to published) and the daily maintenance run.

Both carry the `ogi/warehouse_writer` tag; dagster.yaml limits runs with
that tag to one at a time, because DuckDB allows one writer process per file.
Both carry `dagster/max_retries`: a run that fails (a full disk, the file
locked past the wait, a worker pool that could not start) is re-executed
from its failed step by Dagster's run retries (dagster.yaml `run_retries`,
done by the daemon of `make dev`); nothing in the project retries by hand.
"""

from __future__ import annotations

import dagster as dg

WRITER_TAG = "ogi/warehouse_writer"
BATCH_TAG = "ogi/batch"
WRITER_TAGS = {WRITER_TAG: "duckdb"}
# A failed load or daily run is re-executed from its failed step by Dagster's run retries
# (dagster.yaml `run_retries`, carried out by the daemon) up to this many times.
MAX_RETRIES = 3

RETRY_TAGS = {"dagster/max_retries": str(MAX_RETRIES)}

load_reports = dg.define_asset_job(
    "load_reports",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("ingest_batches"),
    tags={**WRITER_TAGS, **RETRY_TAGS},
    description=(
        "Loads one ingest batch (a partition of ingest_batches, named by the run's ogi/batch tag) and takes everything pending through to the "
        "published snapshot. Requested by the inbox sensor, one run per batch."
    ),
)

daily_maintenance = dg.define_asset_job(
    "daily_maintenance",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("raw_documents", "ingest_batches"),
    tags={**WRITER_TAGS, **RETRY_TAGS},
    description=(
        "Runs whatever is pending in the stage ledger (re-derivation after a parser change, work left by a "
        "failed or killed run), re-runs every check (the schedule sets check_results.recheck_all) and "
        "republishes the snapshot. No files are read: the inbox is the sensor's job."
    ),
)

parse_multiprocess = dg.define_asset_job(
    "parse_multiprocess",
    selection=dg.AssetSelection.groups("parse", "facts"),
    executor_def=dg.multiprocess_executor.configured({"max_concurrent": 1}),
    tags=WRITER_TAGS,
    description=(
        "The parse stages (cleaned_text → the fact tables) of whatever is pending, under the multiprocess "
        "executor: the parse step in an OS process of its own, the way the Celery and Kubernetes executors run "
        "steps (docs/scaling.md). One step at a time, because a DuckDB file has one writer; inside the step "
        "the worker pool still uses every core."
    ),
)
