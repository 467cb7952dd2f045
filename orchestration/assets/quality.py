"""Stage 6 — check_results: the Great Expectations suites, and the gate before publishing.

Per-report verdicts live in core.check_results and quarantine single
reports; they never fail the run. The blocking asset checks below guard the
gate itself (every report checked, no duplicated facts): if they fail,
something is wrong with the load, and nothing is published.
"""


import dagster as dg

from orchestration.assets.facts import FACT_ASSETS
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from warehouse.checking import duplicate_fact_keys, run_checks


class CheckConfig(dg.Config):
    """`recheck_all` re-runs every rule on every report (`ogi check`, or after a rule change)."""

    recheck_all: bool = False


@dg.asset(group_name="quality", deps=list(FACT_ASSETS), kinds={"duckdb", "great_expectations"})
def check_results(config: CheckConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every implemented rule of the catalogue on every report loaded or re-derived."""
    with warehouse.connect() as con:
        stats = run_checks(con, everything=config.recheck_all, progress=warehouse.progress)
    return dg.MaterializeResult(metadata=stats.as_metadata())


@dg.asset_check(asset=check_results, blocking=True, description="Every report has current check results.")
def every_report_checked(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        (unchecked,) = con.execute(
            """
            SELECT count(*) FROM core.reports r
            ANTI JOIN staging.stage_ledger l
              ON l.doc_id = r.doc_id AND l.stage = 'check_results' AND l.parser_version = ?
            """,
            [PARSER_VERSION],
        ).fetchone()
    return dg.AssetCheckResult(
        passed=unchecked == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"reports_unchecked": unchecked},
    )


@dg.asset_check(asset=check_results, blocking=True, description="No fact cell is stored twice for one report.")
def fact_keys_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        dupes, scope = duplicate_fact_keys(con)
    return dg.AssetCheckResult(
        passed=sum(dupes.values()) == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"documents_checked": scope, **{f"duplicate_keys.{t}": n for t, n in dupes.items()}},
    )
