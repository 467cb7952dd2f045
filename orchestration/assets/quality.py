"""Stage 6 — check_results: the Great Expectations suites, and the gate before publishing.

Per-report verdicts live in core.check_results and quarantine single
reports; they never fail the run. The blocking asset checks below guard the
gate itself (every report checked, no duplicated facts): if they fail,
something is wrong with the load, and nothing is published.
"""


import dagster as dg

from expectations.catalogue import BLOCKING, RULES
from orchestration.assets.facts import FACT_ASSETS
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from orchestration.engine.checking import duplicate_fact_keys, run_checks


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


def rule_check_name(rule_id: str) -> str:
    """The asset check's name of a catalogue rule ("T3-01" → "rule_T3_01")."""
    return "rule_" + rule_id.replace("-", "_")


_WORST = 5  # failing reports named in a rule check's metadata


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=rule_check_name(rule.id),
            asset=check_results,
            description=f"{rule.id} [{rule.severity}] {rule.description}",
        )
        for rule in RULES.values()
    ],
    description="Every rule of the catalogue, one check each: pass / fail / not-assessable counts over the reports.",
)
def catalogue_rules(warehouse: WarehouseResource):  # noqa: ANN201 (a generator of AssetCheckResult)
    """One check evaluation per catalogue rule, from the verdicts `check_results` stored.

    Why none of them is blocking: a failing rule quarantines the reports that
    fail it (core.reports.status), never the run, so the others are still
    published; the gate itself is `published_reports_pass_blocking_rules`.
    A blocking rule that some report fails is reported with ERROR severity,
    a warning rule with WARN; the metadata names the worst reports.
    """
    with warehouse.connect() as con:
        counts = {
            rule: (passed, failed, na)
            for rule, passed, failed, na in con.execute(
                """SELECT rule, count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'fail'),
                          count(*) FILTER (WHERE status = 'not_assessable')
                   FROM core.check_results GROUP BY rule"""
            ).fetchall()
        }
        worst: dict[str, list[str]] = {}
        for rule, path, message in con.execute(
            f"""SELECT rule, source_path, message FROM (
                    SELECT c.rule, r.source_path, c.message,
                           row_number() OVER (PARTITION BY c.rule ORDER BY c.observed DESC NULLS LAST, r.source_path) AS k
                    FROM core.check_results c JOIN core.reports r USING (doc_id) WHERE c.status = 'fail')
                WHERE k <= {_WORST} ORDER BY rule, k"""
        ).fetchall():
            worst.setdefault(rule, []).append(f"{path}: {message[:200]}")
    for rule in RULES.values():
        passed, failed, na = counts.get(rule.id, (0, 0, 0))
        yield dg.AssetCheckResult(
            check_name=rule_check_name(rule.id),
            asset_key=check_results.key,
            passed=failed == 0,
            severity=dg.AssetCheckSeverity.ERROR if rule.severity == BLOCKING else dg.AssetCheckSeverity.WARN,
            metadata={
                "rule": rule.id,
                "severity": rule.severity,
                "reports_passed": passed,
                "reports_failed": failed,
                "reports_not_assessable": na,
                "worst_reports": dg.MetadataValue.md("\n".join(f"- {w}" for w in worst.get(rule.id, [])) or "none"),
            },
        )
