"""Stage 7 — published: reports with no failing blocking rule become visible to analysts."""


import dagster as dg

from orchestration.resources import WarehouseResource
from warehouse.publish import publish


@dg.asset(group_name="publish", deps=["check_results"], kinds={"duckdb"})
def published(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Sets each report's status from its checks; the `published` schema shows only published reports."""
    with warehouse.connect() as con:
        stats = publish(con)
    return dg.MaterializeResult(metadata=stats.as_metadata())


@dg.asset_check(asset=published, description="No published report has a failing blocking rule.")
def published_reports_pass_blocking_rules(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        (leaked,) = con.execute(
            """
            SELECT count(DISTINCT r.doc_id) FROM published.reports r
            JOIN core.check_results c USING (doc_id)
            WHERE c.severity = 'blocking' AND c.status = 'fail'
            """
        ).fetchone()
    return dg.AssetCheckResult(passed=leaked == 0, severity=dg.AssetCheckSeverity.ERROR, metadata={"leaked_reports": leaked})
