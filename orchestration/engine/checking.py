"""The check stage: run the quality suites over reports and store the verdicts.

Incremental like the parser stages: a load checks the reports whose checks
are not current (new, re-derived, or checked by an older parser version);
`ogi check` re-checks everything, e.g. after a rule change.

Before the rules run, undecided flattened runs are re-decided from the
agency's neighbouring years (orchestration/engine/neighbours.py), so the
rules and the `verified` marks see the decided cells.

Cross-year rules (Y-01 carry-over, Y-02 documents in force, Y-06 内容雷同,
T2-07's year-on-year ratio) and the one-version-per-year note (M-08) read a
report's neighbours: the reports of the same agency (`core.reports.agency_id`)
for the previous, same and next year. Checking a report therefore also
re-checks those neighbours, and batches are cut between agencies, never
inside one, so a report and its neighbours are committed in the same batch
and the rules run whichever of two consecutive years is loaded first.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import polars as pl

from expectations.catalogue import COVERAGE
from expectations.reconcile import REPETITION_RATE, lsh_candidates, parent_code
from expectations.suites import Judge, SuiteValidation, check_reports, run_validations
from transforms import PARSER_VERSION
from warehouse import db
from warehouse.publish import set_statuses
from warehouse.shapes import rows_frame
from orchestration.engine.neighbours import decide_batch, with_undecided_relatives
from orchestration.engine.stages import Progress, StageStats, pending_doc_ids

STAGE = "check_results"
SOURCE_SQL = "SELECT doc_id, rowid AS pos FROM core.reports"  # the reports the check stage takes, in stored order


def with_neighbours(con, doc_ids: list[str]) -> list[str]:
    """`doc_ids` plus every report of the same agency one year before, the same year, or one year after."""
    if not doc_ids:
        return []
    con.register("_ogi_pending_ids", pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String}))
    try:
        rows = con.execute(
            f"""
            SELECT doc_id FROM _ogi_pending_ids
            UNION
            SELECT n.doc_id
            FROM core.reports p JOIN _ogi_pending_ids USING (doc_id)
            JOIN core.reports n ON n.agency_id = p.agency_id AND abs(n.report_year - p.report_year) <= 1
            UNION  -- the region reports whose roll-up (R-01) counts this one
            SELECT g.doc_id
            FROM core.reports p JOIN _ogi_pending_ids USING (doc_id)
            JOIN core.reports g ON g.report_year = p.report_year AND g.agency_type = 'government'
             AND (g.region_code = p.region_code OR g.region_code = {parent_code('p.region_code')})
            UNION  -- the reports that share two LSH bands with this one (C-01)
            SELECT other_id FROM ({lsh_candidates('_ogi_pending_ids')})
            ORDER BY doc_id
            """
        ).fetchall()
    finally:
        con.unregister("_ogi_pending_ids")
    return [r[0] for r in rows]


def agency_batches(con, doc_ids: list[str], batch_size: int) -> list[list[str]]:
    """Split `doc_ids` into batches of about `batch_size` that never split one agency's reports.

    (A batch exceeds `batch_size` only by the reports of its last agency.)
    """
    if not doc_ids:
        return []
    con.register("_ogi_batch_split", pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String}))
    try:
        frame = con.sql(
            f"""
            WITH g AS (
                SELECT i.doc_id, coalesce(r.agency_id, '#' || i.doc_id) AS grp
                FROM _ogi_batch_split i LEFT JOIN core.reports r USING (doc_id)
            ),
            sizes AS (SELECT grp, count(*) AS n FROM g GROUP BY grp),
            starts AS (
                SELECT grp, coalesce(sum(n) OVER (ORDER BY grp ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                FROM sizes
            )
            SELECT g.doc_id, (s.before // {int(batch_size)})::BIGINT AS batch
            FROM g JOIN starts s USING (grp)
            ORDER BY batch, g.grp, g.doc_id
            """
        ).pl()
    finally:
        con.unregister("_ogi_batch_split")
    return [part["doc_id"].to_list() for part in frame.partition_by("batch", maintain_order=True)]


def _commit(con, batch: list[str], rows: pl.DataFrame, stats: StageStats) -> None:
    """Replace the batch's verdicts and ledger rows, mark its verified cells and decide its reports' statuses,
    in one transaction (frames straight to DuckDB, no row dicts)."""
    ids = pl.DataFrame({"doc_id": batch}, schema={"doc_id": pl.String})
    ledger = ids.with_columns(
        pl.lit(STAGE).alias("stage"),
        pl.lit(PARSER_VERSION).alias("parser_version"),
        pl.lit("ok").alias("outcome"),
        pl.lit(datetime.now()).alias("done_at"),
    )
    con.register("_ogi_check_batch", ids)
    try:
        with db.transaction(con):
            con.execute("DELETE FROM core.check_results WHERE doc_id IN (SELECT doc_id FROM _ogi_check_batch)")
            con.execute(
                "DELETE FROM staging.stage_ledger WHERE stage = ? AND doc_id IN (SELECT doc_id FROM _ogi_check_batch)",
                [STAGE],
            )
            stats.add_rows("core.check_results", db.write_frame(con, "core.check_results", rows))
            db.write_frame(con, "staging.stage_ledger", ledger)
            mark_verified(con, "_ogi_check_batch")
            set_statuses(con, PARSER_VERSION, "_ogi_check_batch")
            store_repetition_rates(con, "_ogi_check_batch")
    finally:
        con.unregister("_ogi_check_batch")
    stats.ok += len(batch)


def store_repetition_rates(con, batch_view: str) -> None:
    """Set `core.reports.repetition_rate` of the reports in `batch_view` (Y-06's measure, both sections together).

    Stored rather than computed in the view: evaluators rank agencies by it
    (points are deducted above 50%), and recomputing 5-grams of every report
    for every query would cost what a check run costs.
    """
    con.execute(f"UPDATE core.reports SET repetition_rate = NULL WHERE doc_id IN (SELECT doc_id FROM {batch_view})")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _ogi_check_ids AS SELECT doc_id FROM {batch_view}")
    try:
        con.execute(
            f"UPDATE core.reports r SET repetition_rate = x.rate FROM ({REPETITION_RATE}) x WHERE r.doc_id = x.doc_id"
        )
    finally:
        con.execute("DROP VIEW IF EXISTS _ogi_check_ids")


_COVERAGE = pl.DataFrame(
    {"rule": [c[0] for c in COVERAGE], "tbl": [c[1] for c in COVERAGE],
     "r": [c[2] for c in COVERAGE], "c": [c[3] for c in COVERAGE]},
    schema={"rule": pl.String, "tbl": pl.String, "r": pl.String, "c": pl.String},
)
# Each fact table's row and column key columns.
_KEYS = {
    "fact_requests": ("row_code", "applicant"),
    "fact_review_litigation": ("proceeding", "outcome"),
    "fact_active_disclosure": ("item", "metric"),
}


def mark_verified(con, batch_view: str) -> None:
    """Set `verified` / `verified_by` on the fact rows of the reports in `batch_view`.

    A cell is verified when its value is a number, at least one identity
    covering it (`expectations.catalogue.COVERAGE`) passed for its report,
    and none covering it failed; `verified_by` lists the passing ones.
    Runs in the check stage's transaction, right after the verdicts it
    reads are written, so a fact row never carries a stale mark.
    """
    con.register("_ogi_coverage", _COVERAGE)
    try:
        for table, (row_key, col_key) in _KEYS.items():
            # A coverage pattern names a row or '*' and a column or '*': four equality joins, one per
            # form, instead of one join on (r = '*' OR r = row) AND (c = '*' OR c = col), which DuckDB
            # can only run as a filter over every (cell, pattern) pair of a report (4× slower). Only
            # rows whose mark changes are written (a re-check rewrites few).
            hits = "\n                UNION ALL\n".join(
                f"""SELECT f.doc_id, f.{row_key} AS r, f.{col_key} AS c, f.source, v.rule, v.status
                FROM core.{table} f JOIN {batch_view} b ON b.doc_id = f.doc_id
                JOIN verdicts v ON v.doc_id = f.doc_id AND {r_cond} AND {c_cond}"""
                for r_cond, c_cond in (
                    ("v.r = '*'", "v.c = '*'"),
                    (f"v.r = f.{row_key}", "v.c = '*'"),
                    ("v.r = '*'", f"v.c = f.{col_key}"),
                    (f"v.r = f.{row_key}", f"v.c = f.{col_key}"),
                )
            )
            con.execute(
                f"""
                UPDATE core.{table} f SET verified = v.ok, verified_by = v.rules
                FROM (
                    WITH verdicts AS (
                        SELECT cv.r, cv.c, cr.doc_id, cr.rule, cr.status
                        FROM _ogi_coverage cv JOIN core.check_results cr ON cr.rule = cv.rule
                        JOIN {batch_view} b2 ON b2.doc_id = cr.doc_id
                        WHERE cv.tbl = '{table}' AND cr.status IN ('pass', 'fail')
                    ),
                    hits AS (
                {hits}
                    ),
                    agg AS (
                        SELECT doc_id, r, c, source,
                               count(*) FILTER (WHERE status = 'pass') AS passed,
                               count(*) FILTER (WHERE status = 'fail') AS failed,
                               list(DISTINCT rule ORDER BY rule) FILTER (WHERE status = 'pass') AS rules
                        FROM hits GROUP BY ALL
                    )
                    SELECT f.doc_id, f.{row_key} AS r, f.{col_key} AS c, f.source,
                           f.value IS NOT NULL AND coalesce(a.passed, 0) > 0 AND coalesce(a.failed, 0) = 0 AS ok,
                           CASE WHEN f.value IS NOT NULL AND coalesce(a.failed, 0) = 0
                                THEN coalesce(a.rules, []) ELSE [] END AS rules
                    FROM core.{table} f
                    JOIN {batch_view} b ON b.doc_id = f.doc_id
                    LEFT JOIN agg a ON a.doc_id = f.doc_id AND a.r = f.{row_key} AND a.c = f.{col_key} AND a.source = f.source
                ) v
                WHERE f.doc_id = v.doc_id AND f.{row_key} = v.r AND f.{col_key} = v.c AND f.source = v.source
                  AND (f.verified IS DISTINCT FROM v.ok OR f.verified_by IS DISTINCT FROM v.rules)
                """
            )
    finally:
        con.unregister("_ogi_coverage")


def run_checks(
    con,
    *,
    everything: bool = False,
    progress: Progress | None = None,
    batch_size: int = 5000,
    judge: Judge = run_validations,
) -> StageStats:
    """Check pending reports (and their neighbours), or all of them, in large vectorised batches.

    `judge` runs GX's validations (expectations.suites.run_validations in this
    process by default; the assets pass the validator process's, see
    orchestration/engine/validator.py).
    """
    stats = StageStats(stage=STAGE)
    if everything:
        doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM core.reports ORDER BY doc_id").fetchall()]
    else:
        pending = pending_doc_ids(con, STAGE, SOURCE_SQL)
        doc_ids = with_undecided_relatives(con, with_neighbours(con, pending))
    stats.pending = len(doc_ids)
    done = 0
    if progress:
        progress(STAGE, 0, len(doc_ids))
    validations: list[SuiteValidation] = []
    tallies: list[pl.DataFrame] = []
    for batch in agency_batches(con, doc_ids, batch_size):
        stats.rows["cells_decided_across_years"] = stats.rows.get("cells_decided_across_years", 0) + decide_batch(con, batch)
        outcome = check_reports(con, batch, judge=judge)
        _commit(con, batch, outcome.rows, stats)
        stats.rows["failures"] = stats.rows.get("failures", 0) + outcome.rows.filter(pl.col("status") == "fail").height
        validations += outcome.validations
        tallies.append(outcome.tallies)
        done += len(batch)
        if progress:
            progress(STAGE, done, len(doc_ids))
    if validations:
        stats.rows["core.validation_runs"] = record_validation_run(con, validations, pl.concat(tallies))
    return stats



def record_validation_run(con, validations: list[SuiteValidation], tallies: pl.DataFrame) -> int:
    """One `core.validation_runs` row per catalogue suite for this check run: Great Expectations' results.

    Each batch of the run validated every suite once; the run's row per
    suite is GX's, over all its batches: `success` when every validation
    succeeded, `evaluated` / `successful` / `unsuccessful` GX's expectation
    statistics (an expectation, i.e. a rule, counts as successful only if
    it succeeded on every batch), and per rule in `results` GX's severity,
    success, rows judged and unexpected rows, with the reports they came
    to (`evaluated`, `unexpected`, `not_assessable`), so that quality can be
    followed from load to load, rule by rule.
    """
    run_id = uuid.uuid4().hex
    checked_at = datetime.now()
    reports = (
        tallies.group_by("rule")
        .agg(pl.col("evaluated", "unexpected", "not_assessable").sum())
    )
    by_rule = {r["rule"]: r for r in reports.iter_rows(named=True)}
    suites: dict[str, dict] = {}
    for validation in validations:
        suite = suites.setdefault(validation.suite, {"success": True, "rules": {}})
        suite["success"] &= validation.success
        for rule_id, res in validation.rules.items():
            entry = suite["rules"].setdefault(
                rule_id, {"severity": res["severity"], "success": True, "rows": 0, "unexpected_rows": 0}
            )
            entry["success"] &= res["success"]
            entry["rows"] += res["rows"]
            entry["unexpected_rows"] += res["unexpected_rows"]
    out = []
    for name, suite in suites.items():
        per_rule = {
            rule_id: {
                **entry,
                **{k: int(by_rule.get(rule_id, {}).get(k) or 0) for k in ("evaluated", "unexpected", "not_assessable")},
            }
            for rule_id, entry in suite["rules"].items()
        }
        successful = sum(1 for e in per_rule.values() if e["success"])
        out.append({
            "run_id": run_id, "suite": name, "checked_at": checked_at, "success": suite["success"],
            "evaluated": len(per_rule), "successful": successful, "unsuccessful": len(per_rule) - successful,
            "results": json.dumps(per_rule),
        })
    frame = rows_frame("core.validation_runs", out)
    with db.transaction(con):
        return db.write_frame(con, "core.validation_runs", frame)


_FACT_KEYS = {
    "fact_requests": "doc_id, row_code, applicant, source",
    "fact_review_litigation": "doc_id, proceeding, outcome, source",
    "fact_active_disclosure": "doc_id, item, metric, source",
}


def duplicate_fact_keys(con) -> tuple[dict[str, int], int]:
    """Fact keys stored twice, per table, and how many documents were looked at.

    Only documents whose facts were written since the last publish can have
    gained a duplicate (every write goes through the stage ledger), so only
    they are grouped: on a 100k-report warehouse the full scan cost 9 s of
    every load. Before the first publish every document is looked at.
    """
    (since,) = con.execute("SELECT max(watermark) FROM staging.snapshot_log").fetchone()
    scope_sql = "SELECT doc_id FROM core.reports"
    params: list = []
    if since is not None:
        scope_sql = "SELECT doc_id FROM staging.stage_ledger WHERE stage = 'facts' AND done_at > ?"
        params = [since]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ogi_dup_scope AS {scope_sql}", params)
    try:
        (scope,) = con.execute("SELECT count(*) FROM _ogi_dup_scope").fetchone()
        dupes = {
            table: con.execute(
                f"SELECT count(*) FROM (SELECT {key} FROM core.{table} "
                f"WHERE doc_id IN (SELECT doc_id FROM _ogi_dup_scope) GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            for table, key in _FACT_KEYS.items()
        }
    finally:
        con.execute("DROP TABLE IF EXISTS _ogi_dup_scope")
    return dupes, scope
