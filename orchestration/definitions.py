"""The one place the Dagster code location is assembled.

`defs` is built when Dagster loads the code location (`@dg.definitions`), not
when this module is imported: the resources and the schedule take the
environment of that moment (orchestration/settings.py).
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import ingest, parse, publish, quality
from orchestration.jobs import daily_maintenance, load_reports, parse_multiprocess
from orchestration.resources import InboxResource, WarehouseResource
from orchestration.schedules import daily_maintenance_schedule
from orchestration.sensors import inbox_sensor
from orchestration.settings import Settings

# ingest_batches is a bare AssetSpec (batches are recorded, not computed), which
# load_assets_from_modules does not collect.
ALL_ASSETS = [ingest.ingest_batches_asset, *dg.load_assets_from_modules([ingest, parse, quality, publish])]
ALL_CHECKS = dg.load_asset_checks_from_modules([quality, publish])
JOBS = [load_reports, daily_maintenance, parse_multiprocess]


def build_defs(
    warehouse: WarehouseResource | None = None, inbox: InboxResource | None = None, settings: Settings | None = None
) -> dg.Definitions:
    """The code location; `warehouse` / `inbox` override the resources (the CLI, tests), `settings`
    the environment the schedule is built from."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=JOBS,
        sensors=[inbox_sensor],
        schedules=[daily_maintenance_schedule(settings or Settings.from_env())],
        resources={"warehouse": warehouse or WarehouseResource.from_env(), "inbox": inbox or InboxResource.from_env()},
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """What `dagster dev` / `dagster asset materialize -m orchestration.definitions` load."""
    return build_defs()
