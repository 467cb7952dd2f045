"""Stage 7 — published: set each report's status, then replace the analysts' snapshot.

The statuses are committed in the working file first (its `published`
views serve `ogi eval` and the tests); then the published snapshot
(`ogi.published.duckdb` beside the working file) is rewritten from those
views and renamed into place in one step, so SQL clients see either the
previous load or this one, never a mixture (warehouse/snapshot.py).
"""


import dagster as dg

from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from warehouse.publish import leaked_reports, publish, publish_snapshot


@dg.asset(group_name="publish", deps=["check_results"], kinds={"duckdb"}, metadata=definition_metadata("published"))
def published(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Sets each report's status from its checks and writes the published snapshot SQL users read."""
    with warehouse.connect() as con:
        stats = publish(con, PARSER_VERSION)
        snapshot = publish_snapshot(con, warehouse.path)
        rows = row_count(con, "published")
    context.log.info(f"published snapshot: {snapshot.path} ({stats.published} published, {stats.quarantined} quarantined)")
    meta = {
        **stats.as_metadata(),
        **snapshot.as_metadata(),
        "snapshot_path": dg.MetadataValue.path(str(snapshot.path.resolve())),
        **rows,
    }
    return dg.MaterializeResult(metadata=meta)


@dg.asset_check(asset=published, description="No published report has a failing blocking rule.")
def published_reports_pass_blocking_rules(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        leaked = leaked_reports(con)
    return dg.AssetCheckResult(passed=leaked == 0, severity=dg.AssetCheckSeverity.ERROR, metadata={"leaked_reports": leaked})
