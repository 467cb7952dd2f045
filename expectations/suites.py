"""Great Expectations carries the rule catalogue: one suite per catalogue suite, one expectation per rule.

DuckDB computes each rule's reconciliation rows (expectations/reconcile.py:
one SQL statement per rule over every report being checked, with both sides
of the rule and its bounds); Great Expectations judges them, and its
verdicts are what is stored: a (rule, report) fails when GX lists one of its
rows as unexpected, and every validation's result (success, statistics,
per-expectation unexpected counts) goes to `core.validation_runs`
(orchestration/engine/checking.py).

This module is the check's DuckDB and Polars side: the reconciliation
frame, the numpy columns handed to GX (`rule_columns`), and the verdict per
(rule, report) assembled from GX's failing rows with Polars expressions,
not a Python loop over reports. The GX objects (context, suites,
validation definitions) and the validations themselves are
expectations/validation.py, which imports neither DuckDB nor Polars, so
that the load's GX process imports only it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import polars as pl

from expectations import checked
from expectations.catalogue import INFO, RULES, STORED_SEVERITY
from expectations.reconcile import RECONCILIATIONS
from expectations.validation import Judged, RuleColumns, SuiteValidation, catalogue_suites, run_validations

CHECK_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String,
    "suite": pl.String,
    "rule": pl.String,
    "severity": pl.String,
    "status": pl.String,
    "observed": pl.String,
    "expected": pl.String,
    "message": pl.String,
    "checked_at": pl.Datetime,
    "location": pl.String,
    "evidence": pl.String,
}

FRAME_SCHEMA: dict[str, pl.DataType] = {
    "rule": pl.String,
    "doc_id": pl.String,
    "location": pl.String,
    "observed": pl.Float64,
    "expected": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "evidence": pl.String,
    "shown_observed": pl.String,
    "shown_expected": pl.String,
    "places": pl.Int64,
}

_MAX_LISTED = 5  # failing places spelled out in one check result
INFO_PREFIX = "[info] "



@dataclass
class CheckOutcome:
    """One check batch: the `core.check_results` rows and the GX validations they came from."""

    rows: pl.DataFrame
    validations: list[SuiteValidation]
    # per (suite, rule): reports assessed, reports with unexpected rows, reports not assessable
    tallies: pl.DataFrame


# Up to this many reports in a check batch, a rule's rows are fetched as Python tuples rather than
# through DuckDB's relation API (`con.sql(...).pl()`), which parses and binds every statement twice
# (once to describe the relation, once to run it): for the 53 statements of a one-report check that
# was ≈0.45 → 0.25 s, and ≈0.95 → 0.62 s in a warehouse of 100,000 reports (issue 17). A larger
# batch's rows are many, and there Arrow's columns, which cost nothing per value, win.
TUPLES_UP_TO_REPORTS = 50


def _rule_rows(con: duckdb.DuckDBPyConnection, sql: str, as_tuples: bool) -> pl.DataFrame:
    """A rule statement's rows; `as_tuples` for a small batch (see TUPLES_UP_TO_REPORTS).

    Either way the frame is then cast to FRAME_SCHEMA (`_rule_frame`), so
    the two give the same frame (tests/test_rules.py compares them)."""
    if not as_tuples:
        return con.sql(sql).pl()
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return pl.DataFrame(cursor.fetchall(), schema=names, orient="row", infer_schema_length=None)


def _rule_frame(con: duckdb.DuckDBPyConnection, rule_id: str, as_tuples: bool = False) -> pl.DataFrame:
    """One rule's reconciliation rows, in the common frame schema."""
    frame = _rule_rows(con, RECONCILIATIONS[rule_id].sql, as_tuples)
    frame = frame.with_columns(
        [pl.lit(None, dtype).alias(name) for name, dtype in FRAME_SCHEMA.items() if name not in frame.columns]
    ).with_columns(pl.lit(rule_id).alias("rule"))
    return frame.select([pl.col(name).cast(dtype) for name, dtype in FRAME_SCHEMA.items()])


def reconciliation_frame(
    con: duckdb.DuckDBPyConnection, rule_ids: list[str], first_row: int = 0, as_tuples: bool = False
) -> pl.DataFrame:
    """All reconciliation rows of the given rules for the checked batch (expectations.checked; one SQL
    per rule); `as_tuples` for a batch of up to TUPLES_UP_TO_REPORTS reports."""
    frames = [_rule_frame(con, rule_id, as_tuples) for rule_id in rule_ids]
    recon = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=FRAME_SCHEMA)
    equality = pl.col("low").is_null() & pl.col("high").is_null()
    return recon.with_columns(
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("low")).alias("low"),
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("high")).alias("high"),
        pl.col("places").fill_null(1),
    ).with_row_index("row", offset=first_row)


# A judge starts GX on some suites' columns and returns at once a function that waits for the verdicts:
# the check stage computes the next suite's SQL while GX judges the previous one (judge_here judges
# before returning; orchestration.engine.validator's judges in GX's own process).
Judge = Callable[[RuleColumns, Sequence[str]], Callable[[], Judged]]


def rule_columns(recon: pl.DataFrame) -> RuleColumns:
    """The frame's rows per rule as numpy columns (row, observed, low, high): what GX judges.

    Plain arrays, so a check batch can be handed to GX in another process
    (orchestration/engine/validator.py) as cheaply as in this one.
    """
    columns: RuleColumns = {}
    for part in recon.select("rule", "row", "observed", "low", "high").partition_by("rule", maintain_order=True):
        columns[part["rule"][0]] = {
            "row": part["row"].cast(pl.Float64).to_numpy(),
            "observed": part["observed"].to_numpy(),
            "low": part["low"].to_numpy(),
            "high": part["high"].to_numpy(),
        }
    return columns


def judge_here(columns: RuleColumns, suites: Sequence[str]) -> Callable[[], Judged]:
    """The Judge that runs GX in this process (before returning)."""
    judged = run_validations(columns, suites)
    return lambda: judged


def _verdicts(waiting: list[Callable[[], Judged]]) -> tuple[pl.DataFrame, list[SuiteValidation]]:
    """Wait for the judges' verdicts: the failing `row`s of the frame, and every suite's validation."""
    rows: list[np.ndarray] = []
    validations: list[SuiteValidation] = []
    for wait in waiting:
        failing, said = wait()
        rows.append(failing)
        validations += said
    merged = np.unique(np.concatenate(rows)) if rows else np.array([], dtype=np.int64)
    return pl.DataFrame({"row": merged}, schema={"row": pl.UInt32}), validations


def validate(recon: pl.DataFrame, judge: Judge = judge_here) -> tuple[pl.DataFrame, list[SuiteValidation]]:
    """GX's verdict on a reconciliation frame, every suite at once: the failing `row`s, and what each
    suite's validation said.
    """
    return _verdicts([judge(rule_columns(recon), list(catalogue_suites()))])


def _fmt(col: str) -> pl.Expr:
    """A number as a maintainer reads it: 12, 0.5, 146.1538; NULL as NULL."""
    x = pl.col(col)
    whole = x.round(0).cast(pl.Int64, strict=False).cast(pl.String)
    frac = x.round(4).cast(pl.String)
    return pl.when(x.is_null()).then(pl.lit("NULL")).when(x == x.round(0)).then(whole).otherwise(frac)


def _expected_text() -> pl.Expr:
    low, high = pl.col("low"), pl.col("high")
    return (
        pl.when(pl.col("shown_expected").is_not_null())
        .then(pl.col("shown_expected"))
        .when(low.is_not_null() & high.is_not_null() & (low == high))
        .then(_fmt("low"))
        .when(low.is_null())
        .then(pl.lit("≤ ") + _fmt("high"))
        .when(high.is_null())
        .then(pl.lit("≥ ") + _fmt("low"))
        .otherwise(_fmt("low") + pl.lit(" … ") + _fmt("high"))
    )


def _catalogue_frame() -> pl.DataFrame:
    """Rule metadata read at call time, so a changed rule (or a monkeypatched severity) takes effect at once."""
    rules = list(RULES.values())
    return pl.DataFrame(
        {
            "rule": [r.id for r in rules],
            "suite": [r.suite for r in rules],
            "severity": [STORED_SEVERITY[r.severity] for r in rules],
            "info": [r.severity == INFO for r in rules],
            "description": [r.description for r in rules],
            "note": [RECONCILIATIONS[r.id].note if r.id in RECONCILIATIONS else None for r in rules],
        },
        schema={
            "rule": pl.String,
            "suite": pl.String,
            "severity": pl.String,
            "info": pl.Boolean,
            "description": pl.String,
            "note": pl.String,
        },
    )


def _not_assessable(con: duckdb.DuckDBPyConnection, missing: pl.DataFrame) -> pl.DataFrame:
    """Reasons for (rule, report) pairs a rule found nothing to look at: per-report SQL reasons, else the default."""
    defaults = pl.DataFrame(
        {"rule": list(RECONCILIATIONS), "default": [c.not_assessable for c in RECONCILIATIONS.values()]}
    )
    specific: list[pl.DataFrame] = []
    for rule_id in missing["rule"].unique().to_list():
        na_sql = RECONCILIATIONS[rule_id].na_sql
        if na_sql:
            specific.append(
                con.sql(na_sql)
                .pl()
                .select(pl.col("doc_id").cast(pl.String), pl.col("reason").cast(pl.String))
                .with_columns(pl.lit(rule_id).alias("rule"))
            )
    reasons = (
        pl.concat(specific, how="vertical").select("rule", "doc_id", "reason")
        if specific
        else pl.DataFrame(schema={"rule": pl.String, "doc_id": pl.String, "reason": pl.String})
    )
    return (
        missing.join(reasons, on=["rule", "doc_id"], how="left")
        .join(defaults, on="rule", how="left")
        .select(
            "doc_id",
            "rule",
            pl.lit("not_assessable").alias("status"),
            pl.lit(None, pl.String).alias("observed"),
            pl.lit(None, pl.String).alias("expected"),
            (pl.lit("not assessable: ") + pl.coalesce("reason", "default")).alias("message"),
            pl.lit(None, pl.String).alias("location"),
            pl.lit(None, pl.String).alias("evidence"),
        )
    )


def check_reports(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], rule_ids: list[str] | None = None, judge: Judge = judge_here
) -> CheckOutcome:
    """Every rule (or the given ones) on every given report: GX's verdicts as `core.check_results` rows.

    `judge` runs GX (see validate).
    """
    with checked.batch(con, doc_ids):
        return check_batch(con, doc_ids, rule_ids, judge)


def check_batch(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str], rule_ids: list[str] | None = None, judge: Judge = judge_here
) -> CheckOutcome:
    """check_reports over a batch already copied by `expectations.checked.batch` (the check stage
    keeps the copies for the verified marks it writes next)."""
    rule_ids = list(rule_ids or RECONCILIATIONS)
    ids = pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})
    # suite by suite: GX judges one suite's rows while DuckDB computes the next suite's
    frames: list[pl.DataFrame] = []
    waiting: list[Callable[[], Judged]] = []
    first_row = 0
    for suite_name, suite_rules in catalogue_suites().items():
        mine = [r for r in suite_rules if r in rule_ids]
        if not mine:
            continue
        frame = reconciliation_frame(con, mine, first_row, as_tuples=len(doc_ids) <= TUPLES_UP_TO_REPORTS)
        first_row += frame.height
        frame = frame.filter(pl.col("doc_id").is_not_null())
        waiting.append(judge(rule_columns(frame), [suite_name]))
        frames.append(frame)
    recon = pl.concat(frames, how="vertical")
    # reports a rule found nothing to look at: not assessable, with the reason. Asked of DuckDB
    # before waiting for GX's verdicts, so that the two run at once (≈0.2 s of a one-report load).
    expected_pairs = ids.join(pl.DataFrame({"rule": rule_ids}, schema={"rule": pl.String}), how="cross")
    missing = expected_pairs.join(recon.select("rule", "doc_id").unique(), on=["rule", "doc_id"], how="anti")
    rows_na = _not_assessable(con, missing)
    failing, validations = _verdicts(waiting)
    # a column added in place, not a join: a join would copy every column of the batch's rows (their
    # evidence strings are most of the check stage's memory)
    flagged = recon.with_columns(pl.col("row").is_in(failing["row"].implode()).alias("failed"))
    catalogue = _catalogue_frame()

    # failing places, the first few spelled out per (rule, report)
    bad = (
        flagged.filter(pl.col("failed"))
        .sort("row")
        .with_columns(pl.int_range(pl.len()).over(["rule", "doc_id"]).alias("rank"))
        .with_columns(
            pl.coalesce("shown_observed", _fmt("observed")).alias("obs_text"),
            _expected_text().alias("exp_text"),
        )
    )
    listed = bad.filter(pl.col("rank") < _MAX_LISTED)
    details = (
        listed.with_columns(
            (pl.col("location") + pl.lit(": observed ") + pl.col("obs_text") + pl.lit(", expected ") + pl.col("exp_text"))
            .alias("piece")
        )
        .group_by(["rule", "doc_id"])
        .agg(
            pl.col("piece").str.join("; ").alias("places_text"),
            pl.col("obs_text").str.join("; ").alias("observed"),
            pl.col("exp_text").str.join("; ").alias("expected"),
            pl.col("location").str.join("; ").alias("location"),
            pl.col("evidence").fill_null("").str.join(" | ").alias("evidence"),
        )
    )
    summary = flagged.group_by(["rule", "doc_id"]).agg(
        pl.col("places").sum().alias("places"),
        pl.col("failed").sum().alias("failures"),
    )
    verdicts = (
        summary.join(details, on=["rule", "doc_id"], how="left")
        .join(catalogue, on="rule", how="left")
        .with_columns(
            (pl.lit(" (") + pl.col("note") + pl.lit(")")).fill_null("").alias("note_text"),
            pl.when(pl.col("failures") > _MAX_LISTED)
            .then(pl.format(" (and {} more)", pl.col("failures") - _MAX_LISTED))
            .otherwise(pl.lit(""))
            .alias("more"),
        )
    )
    found = pl.col("failures") > 0
    info = pl.col("info")
    rows_checked = verdicts.select(
        "doc_id",
        "rule",
        pl.when(found & ~info).then(pl.lit("fail")).otherwise(pl.lit("pass")).alias("status"),
        pl.when(found).then(pl.col("observed")).alias("observed"),
        pl.when(found).then(pl.col("expected")).alias("expected"),
        pl.when(found & info)
        .then(pl.format("{}note: {} — at {} place(s): {}{}{}", pl.lit(INFO_PREFIX), "description", "failures", "places_text", "more", "note_text"))
        .when(found)
        .then(pl.format("{} — fails at {} place(s): {}{}{}", "description", "failures", "places_text", "more", "note_text"))
        .when(info)
        .then(pl.format("{}nothing to note ({} place(s) checked){}", pl.lit(INFO_PREFIX), "places", "note_text"))
        .otherwise(pl.format("holds at all {} place(s) checked{}", "places", "note_text"))
        .alias("message"),
        pl.when(found).then(pl.col("location")).alias("location"),
        pl.when(found).then(pl.col("evidence")).alias("evidence"),
    )

    rows = (
        pl.concat([rows_checked, rows_na], how="vertical")
        .join(catalogue.select("rule", "suite", "severity"), on="rule", how="left")
        .with_columns(pl.lit(datetime.now()).alias("checked_at"))
        .select(list(CHECK_SCHEMA))
        .cast(CHECK_SCHEMA)
    )
    assessed = summary.group_by("rule").agg(
        pl.len().cast(pl.Int64).alias("evaluated"), (pl.col("failures") > 0).sum().cast(pl.Int64).alias("unexpected")
    )
    unassessed = missing.group_by("rule").agg(pl.len().cast(pl.Int64).alias("not_assessable"))
    tallies = (
        pl.DataFrame({"rule": rule_ids}, schema={"rule": pl.String})
        .join(catalogue.select("rule", "suite"), on="rule", how="left")
        .join(assessed, on="rule", how="left")
        .join(unassessed, on="rule", how="left")
        .with_columns(pl.col("evaluated", "unexpected", "not_assessable").fill_null(0))
    )
    return CheckOutcome(rows=rows, validations=validations, tallies=tallies)
