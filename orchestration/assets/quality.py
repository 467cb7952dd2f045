"""Stage 6 — check_results: the Great Expectations suites, and the gate before publishing.

Per-report verdicts (Great Expectations', expectations/suites.py) live in
core.check_results and quarantine single reports; they never fail the run.
Every catalogue rule is also an asset check of its own (`rule_T3_01` …),
non-blocking, so the Checks tab shows each rule's pass / fail /
not-assessable counts and worst reports. The two blocking checks guard the
gate itself (`quarantine_gate`: every report checked and decided, no
failing report left unquarantined; `fact_keys_unique`): if they fail,
something is wrong with the load, and nothing is published.
"""


import json

import dagster as dg

from expectations.catalogue import BLOCKING, RULES
from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.assets.parse import FACT_ASSETS
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from orchestration.engine.checking import duplicate_fact_keys, run_checks
from warehouse.publish import leaked_reports
from warehouse.snapshot import last_published_watermark


class CheckConfig(dg.Config):
    """`recheck_all` re-runs every rule on every report (`ogi check`, or after a rule change)."""

    recheck_all: bool = False


@dg.asset(
    group_name="quality", deps=list(FACT_ASSETS), kinds={"duckdb", "great_expectations"},
    metadata=definition_metadata("check_results"),
)
def check_results(config: CheckConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every implemented rule of the catalogue on every report loaded or re-derived."""
    warehouse.pool().close()  # the parser stages are done: their idle workers would only hold memory
    with warehouse.connect() as con:
        stats = run_checks(
            con, everything=config.recheck_all, progress=warehouse.progress, judge=warehouse.validator().judge
        )
        rows = row_count(con, "check_results")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **rows})


GATE_DESCRIPTION = (
    "The gate before `published` (blocking): fails, and so stops `published` and the analysts' snapshot for this "
    "run, when a report was never checked at the current parser version, when a report checked since the last "
    "publish lacks a verdict for some blocking rule, or when a report that fails a blocking rule is not "
    "quarantined (the gate leaked). "
    "A report failing a blocking rule is not a failure of this check: the check stage quarantines that one "
    "report (core.reports.status, decided with its verdicts) and everything else is published. That is why "
    "the per-rule checks (rule_*) never block: a blocking rule that one report fails would otherwise stop "
    "publication for every report."
)


@dg.asset_check(asset=check_results, blocking=True, description=GATE_DESCRIPTION)
def quarantine_gate(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Checks the gate, not the reports: see GATE_DESCRIPTION."""
    blocking = sorted(r.id for r in RULES.values() if r.severity == BLOCKING)
    with warehouse.connect() as con:
        (unchecked,) = con.execute(
            """
            SELECT count(*) FROM core.reports r
            ANTI JOIN staging.stage_ledger l
              ON l.doc_id = r.doc_id AND l.stage = 'check_results' AND l.parser_version = ?
            """,
            [PARSER_VERSION],
        ).fetchone()
        # Verdicts are looked for among the reports checked since the last publish: only the check
        # stage writes them, and the reports checked before were looked at by the gate of that
        # publish. Grouping every report's verdicts instead cost 0.6 s of every load at 100,000.
        since = last_published_watermark(con)
        (gated, undecided) = con.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE verdicts < ?) FROM (
                SELECT r.doc_id, count(DISTINCT c.rule) AS verdicts
                FROM core.reports r
                SEMI JOIN staging.stage_ledger l
                  ON l.doc_id = r.doc_id AND l.stage = 'check_results' AND l.parser_version = ?
                 AND (?::TIMESTAMP IS NULL OR l.done_at > ?::TIMESTAMP)
                LEFT JOIN core.check_results c ON c.doc_id = r.doc_id AND list_contains(?, c.rule)
                GROUP BY r.doc_id
            )
            """,
            [len(blocking), PARSER_VERSION, since, since, blocking],
        ).fetchone()
        leaked = leaked_reports(con)
        (failing, quarantined) = con.execute(
            """
            SELECT count(DISTINCT doc_id) FILTER (WHERE severity = 'blocking' AND status = 'fail'),
                   (SELECT count(*) FROM core.reports WHERE status = 'quarantined')
            FROM core.check_results
            """
        ).fetchone()
    return dg.AssetCheckResult(
        passed=unchecked == 0 and undecided == 0 and leaked == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "reports_unchecked": unchecked,
            "reports_checked_since_last_publish": gated,
            "reports_without_blocking_verdicts": undecided,
            "reports_leaked": leaked,
            "reports_failing_blocking_rules": failing,
            "reports_quarantined": quarantined,
            "blocking_rules": ", ".join(blocking),
        },
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

# SQL: each rule's _WORST failures with the largest `observed` (NULL last, ties by path): ranked only
# among the rule's failures at or above its _WORST-th largest value (and its NULLs while it has fewer
# values than that), which hold the same top rows. Ranking every failure (143,000 at 100,000 reports)
# with its report's path cost each load ≈0.25 s there; this ≈0.07 s (issue 17;
# tests/test_orchestration.py compares it with the plain ranking).
WORST_FAILURES_SQL = f"""
    WITH failing AS (SELECT rule, doc_id, observed, message FROM core.check_results WHERE status = 'fail'),
         cut AS (SELECT rule, list_min(max(observed, {_WORST})) AS low, count(observed) AS valued FROM failing GROUP BY rule)
    SELECT rule, source_path, message FROM (
        SELECT f.rule, r.source_path, f.message,
               row_number() OVER (PARTITION BY f.rule ORDER BY f.observed DESC NULLS LAST, r.source_path) AS k
        FROM failing f JOIN cut USING (rule) JOIN core.reports r USING (doc_id)
        WHERE f.observed >= cut.low OR (f.observed IS NULL AND cut.valued < {_WORST}))
    WHERE k <= {_WORST} ORDER BY rule, k
"""


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
    published; the gate itself is `quarantine_gate`.
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
        for rule, path, message in con.execute(WORST_FAILURES_SQL).fetchall():
            worst.setdefault(rule, []).append(f"{path}: {message[:200]}")
        # Great Expectations' own result for the rule in the latest check run (core.validation_runs)
        gx: dict[str, dict] = {}
        for (results,) in con.execute(
            """SELECT results FROM core.validation_runs
               WHERE run_id = (SELECT run_id FROM core.validation_runs ORDER BY checked_at DESC LIMIT 1)"""
        ).fetchall():
            gx.update(json.loads(results))
    for rule in RULES.values():
        passed, failed, na = counts.get(rule.id, (0, 0, 0))
        latest = gx.get(rule.id)
        gx_meta = (
            {
                "gx_last_run_success": bool(latest["success"]),
                "gx_severity": str(latest["severity"]),
                "gx_last_run_rows_judged": int(latest["rows"]),
                "gx_last_run_unexpected_rows": int(latest["unexpected_rows"]),
            }
            if latest
            else {}
        )
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
                **gx_meta,
            },
        )
