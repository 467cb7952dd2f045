"""The one place the Dagster code location is assembled."""

from __future__ import annotations

import dagster as dg

from orchestration.assets import facts, ingest, parse, publish, quality
from orchestration.jobs import daily_maintenance, load_reports, parse_multiprocess
from orchestration.resources import WarehouseResource
from orchestration.schedules import daily_maintenance_schedule
from orchestration.sensors import inbox_sensor

# ingest_batches is a bare AssetSpec (batches are recorded, not computed), which
# load_assets_from_modules does not collect.
ALL_ASSETS = [ingest.ingest_batches_asset, *dg.load_assets_from_modules([ingest, parse, facts, quality, publish])]
ALL_CHECKS = dg.load_asset_checks_from_modules([quality, publish])
JOBS = [load_reports, daily_maintenance, parse_multiprocess]


def build_defs(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """The code location; `warehouse` overrides the resource (the CLI's --db, tests)."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=JOBS,
        sensors=[inbox_sensor],
        schedules=[daily_maintenance_schedule],
        resources={"warehouse": warehouse or WarehouseResource()},
        executor=dg.in_process_executor,
    )


defs = build_defs()
