"""The one place the Dagster code location is assembled."""

from __future__ import annotations

import dagster as dg

from orchestration.assets import facts, ingest, parse, publish, quality
from orchestration.resources import WarehouseResource

ALL_ASSETS = dg.load_assets_from_modules([ingest, parse, facts, quality, publish])
ALL_CHECKS = dg.load_asset_checks_from_modules([quality, publish])

load_reports = dg.define_asset_job(
    "load_reports",
    selection=dg.AssetSelection.all(),
    description="Loads every new file into the warehouse and publishes what passes the checks.",
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[load_reports],
    resources={"warehouse": WarehouseResource()},
    executor=dg.in_process_executor,
)
