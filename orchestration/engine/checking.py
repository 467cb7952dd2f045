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
from expectations import checked
from expectations.reconcile import lsh_candidates, parent_code
from expectations.suites import Judge, check_batch, judge_here
from expectations.validation import SuiteValidation
from transforms import PARSER_VERSION
from warehouse import db
from warehouse.publish import set_statuses
from warehouse.shapes import rows_frame
from warehouse.snapshot import last_published_watermark
from orchestration.engine import sources
from orchestration.engine.neighbours import decide_batch, with_undecided_relatives
from orchestration.engine.stages import Progress, StageStats, pending_doc_ids

STAGE = sources.CHECK
SOURCE_SQL = sources.SOURCES[STAGE]  # the reports the check stage takes, in stored order


def with_neighbours(con, doc_ids: list[str]) -> list[str]:
    """`doc_ids` plus the reports whose checks read theirs: every report of the same agency one year
    before, the same year or one year after, the region reports whose roll-up counts them, and the
    reports whose sections share LSH bands with theirs.

    When every stored report is pending (a first load), that is every report: the LSH pairing of
    all of them with all of them cost 9.6 s of a first load of 100,000 reports, for nothing.
    """
    if not doc_ids:
        return []
    con.register("_ogi_pending_ids", pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String}))
    try:
        (everything,) = con.execute(
            "SELECT count(*) = (SELECT count(*) FROM core.reports) FROM core.reports SEMI JOIN _ogi_pending_ids USING (doc_id)"
        ).fetchall()[0]
        if everything:
            return sorted(set(doc_ids))
        # The region reports as two equality joins: one join on "code = … OR parent = …" is a nested
        # loop (7.6 s for 100,000 pending reports, against 0.1 s).
        rows = con.execute(
            f"""
            WITH pending AS (SELECT p.* FROM core.reports p JOIN _ogi_pending_ids USING (doc_id))
            SELECT doc_id FROM _ogi_pending_ids
            UNION
            SELECT n.doc_id
            FROM pending p JOIN core.reports n ON n.agency_id = p.agency_id AND abs(n.report_year - p.report_year) <= 1
            UNION  -- the region reports whose roll-up (R-01) counts this one: its own region's and its parent's
            SELECT g.doc_id
            FROM pending p JOIN core.reports g ON g.report_year = p.report_year AND g.agency_type = 'government'
             AND g.region_code = p.region_code
            UNION
            SELECT g.doc_id
            FROM pending p JOIN core.reports g ON g.report_year = p.report_year AND g.agency_type = 'government'
             AND g.region_code = {parent_code('p.region_code')}
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
    in one transaction (frames straight to DuckDB, no row dicts). Runs inside `checked.batch`: the
    marks and the repetition rates are read from the batch's copies."""
    ledger = pl.DataFrame({"doc_id": batch}, schema={"doc_id": pl.String}).with_columns(
        pl.lit(STAGE).alias("stage"),
        pl.lit(PARSER_VERSION).alias("parser_version"),
        pl.lit("ok").alias("outcome"),
        pl.lit(datetime.now()).alias("done_at"),
    )
    con.register("_ogi_check_verdicts", rows)
    try:
        with db.transaction(con):
            con.execute(f"DELETE FROM core.check_results WHERE doc_id IN (SELECT doc_id FROM {checked.IDS})")
            con.execute(
                f"DELETE FROM staging.stage_ledger WHERE stage = ? AND doc_id IN (SELECT doc_id FROM {checked.IDS})",
                [STAGE],
            )
            stats.add_rows("core.check_results", db.write_frame(con, "core.check_results", rows))
            db.write_frame(con, "staging.stage_ledger", ledger)
            mark_verified(con, "_ogi_check_verdicts")
            set_statuses(con, PARSER_VERSION, checked.IDS)
            store_repetition_rates(con)
    finally:
        con.unregister("_ogi_check_verdicts")
    stats.ok += len(batch)


def store_repetition_rates(con) -> None:
    """Set `core.reports.repetition_rate` of the checked batch's reports (Y-06's measure, both sections together).

    Stored rather than computed in the view: evaluators rank agencies by it
    (points are deducted above 50%), and recomputing 5-grams of every report
    for every query would cost what a check run costs. Read from the overlap
    counts the batch computed once for rule Y-06 (`expectations.checked.REPETITION`).
    """
    con.execute(f"UPDATE core.reports SET repetition_rate = NULL WHERE doc_id IN (SELECT doc_id FROM {checked.IDS})")
    con.execute(
        f"UPDATE core.reports r SET repetition_rate = x.rate FROM ({checked.REPETITION_RATE}) x WHERE r.doc_id = x.doc_id"
    )


_COVERAGE = pl.DataFrame(
    {"rule": [c[0] for c in COVERAGE], "tbl": [c[1] for c in COVERAGE],
     "r": [c[2] for c in COVERAGE], "c": [c[3] for c in COVERAGE]},
    schema={"rule": pl.String, "tbl": pl.String, "r": pl.String, "c": pl.String},
)
# Each fact table's copy in the checked batch and its row and column key columns.
_KEYS = {
    "fact_requests": (checked.REQUESTS, "row_code", "applicant"),
    "fact_review_litigation": (checked.REVIEW, "proceeding", "outcome"),
    "fact_active_disclosure": (checked.ACTIVE, "item", "metric"),
}


def mark_verified(con, verdicts: str) -> None:
    """Set `verified` / `verified_by` on the fact rows of the checked batch, from its verdicts (`verdicts`,
    the batch's `core.check_results` rows).

    A cell is verified when its value is a number, at least one identity
    covering it (`expectations.catalogue.COVERAGE`) passed for its report,
    and none covering it failed; `verified_by` lists the passing ones.
    Runs in the check stage's transaction, right after the verdicts it
    reads are written, so a fact row never carries a stale mark. The marks
    are computed on the batch's copies of the fact rows (expectations.checked),
    and only the reports whose marks change are written back (a re-check
    rewrites few): one scan of each fact table per batch.

    Written back as the reports' rows deleted and inserted again from the
    copy, not as an UPDATE: DuckDB stores an updated LIST value
    (`verified_by`) by deleting and appending the row anyway, and its UPDATE
    of a first check's 430,000 request cells cost 0.79 s and 0.5 s more at
    the commit, against 0.3 s in all this way (a batch of 2,500 reports in
    a warehouse of 100,000).
    """
    con.register("_ogi_coverage", _COVERAGE)
    try:
        for table, (copy, row_key, col_key) in _KEYS.items():
            marked = _marked_rows(table, copy, row_key, col_key, verdicts)
            # The marks are computed twice (≈0.08 s for a batch's request cells), once to find the
            # reports they change and once to insert their rows: keeping the rows between the two
            # would hold a second copy of a first check's whole batch in the loader's memory.
            con.execute(f"CREATE OR REPLACE TEMP TABLE _ogi_remarked AS SELECT DISTINCT doc_id FROM ({marked}) WHERE changed")
            try:
                con.execute(f"DELETE FROM core.{table} WHERE doc_id IN (SELECT doc_id FROM _ogi_remarked)")
                con.execute(
                    f"INSERT INTO core.{table} BY NAME SELECT * EXCLUDE (changed) FROM ({marked}) "
                    "WHERE doc_id IN (SELECT doc_id FROM _ogi_remarked)"
                )
            finally:
                con.execute("DROP TABLE IF EXISTS _ogi_remarked")
    finally:
        con.unregister("_ogi_coverage")


def _marked_rows(table: str, copy: str, row_key: str, col_key: str, verdicts: str) -> str:
    """SQL: every row of `copy` (the batch's rows of `table`) with its new `verified` / `verified_by`,
    and `changed`, whether they differ from the stored ones."""
    # Which rules cover a cell depends only on its row and column (a coverage pattern names
    # one or '*'), and which rules passed or failed only on its report: two small joins and
    # two list filters per cell, never a (cell × rule) expansion of the batch. A report's
    # passed / failed lists keep only the rules covering some cell of this table (≤ 5 of
    # ≈ 50): joined to each of a batch's ≈ 900,000 request cells, the whole lists cost
    # ≈ 500 MB of the loader's peak.
    return f"""
        WITH judged AS (
            SELECT doc_id, list(rule) FILTER (WHERE status = 'pass') AS passed,
                   list(rule) FILTER (WHERE status = 'fail') AS failed
            FROM {verdicts} SEMI JOIN _ogi_coverage cv ON cv.rule = {verdicts}.rule AND cv.tbl = '{table}'
            GROUP BY doc_id
        ),
        cells AS (SELECT DISTINCT {row_key} AS r, {col_key} AS c FROM {copy}),
        cover AS (
            SELECT x.r, x.c, list_sort(list_distinct(list(cv.rule))) AS rules
            FROM cells x JOIN _ogi_coverage cv ON cv.tbl = '{table}'
             AND (cv.r = '*' OR cv.r = x.r) AND (cv.c = '*' OR cv.c = x.c)
            GROUP BY x.r, x.c
        ),
        marks AS (
            SELECT f.*,
                   list_filter(coalesce(cv.rules, []), lambda x: list_contains(coalesce(j.passed, []), x)) AS vouch,
                   len(list_filter(coalesce(cv.rules, []), lambda x: list_contains(coalesce(j.failed, []), x))) AS refuted
            FROM {copy} f
            LEFT JOIN cover cv ON cv.r = f.{row_key} AND cv.c = f.{col_key}
            LEFT JOIN judged j ON j.doc_id = f.doc_id
        ),
        decided AS (
            SELECT * EXCLUDE (vouch, refuted) REPLACE (
                       value IS NOT NULL AND len(vouch) > 0 AND refuted = 0 AS verified,
                       CASE WHEN value IS NOT NULL AND refuted = 0 THEN vouch ELSE [] END AS verified_by),
                   verified AS was, verified_by AS was_by
            FROM marks
        )
        SELECT * EXCLUDE (was, was_by), (was IS DISTINCT FROM verified OR was_by IS DISTINCT FROM verified_by) AS changed
        FROM decided
    """


# Reports per check batch. Why 2,500: a batch's copies, rule rows, evidence strings and GX columns
# are held at once (in this process and GX's), and at 5,000 they made the check stage the load's
# peak of memory (`ogi check` of 10,000 reports, loader and GX together: 1,741–1,792 MB at 5,000,
# 1,261–1,314 MB at 2,500, 1,126 MB at 1,500). The price is the work each batch repeats whatever
# its size (one scan of each table to copy its rows, GX's per-validation overhead): that
# `ogi check` took 28.4–33.6 s at 5,000 and 32.7–36.2 s at 2,500 on a busy machine.
CHECK_BATCH_REPORTS = 2500


def run_checks(
    con,
    *,
    everything: bool = False,
    progress: Progress | None = None,
    batch_size: int = CHECK_BATCH_REPORTS,
    judge: Judge = judge_here,
) -> StageStats:
    """Check pending reports (and their neighbours), or all of them, in large vectorised batches.

    `judge` runs GX's validations (expectations.suites.judge_here, in this
    process, by default; the assets pass the validator process's, see
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
        with checked.batch(con, batch):
            outcome = check_batch(con, batch, judge=judge)
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
    since = last_published_watermark(con)
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
