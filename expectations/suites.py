"""Great Expectations carries the rule catalogue: one suite per catalogue suite, one expectation per rule.

DuckDB computes each rule's reconciliation rows (expectations/reconcile.py:
one SQL statement per rule over every report being checked, with both sides
of the rule and its bounds); Great Expectations judges them, and its
verdicts are what is stored: a (rule, report) fails when GX lists one of its
rows as unexpected, and every validation's result (success, statistics,
per-expectation unexpected counts) goes to `core.validation_runs`
(orchestration/engine/checking.py).

The GX objects are the ones its users know: an ephemeral context holding
one `ExpectationSuite` per catalogue suite (parsing, table_arithmetic, …),
each with one `ExpectRuleRowsToHold` per rule (expectations/
gx_rule_expectation.py) carrying the rule's id, severity, suite, basis and
description in `meta` and GX's own `severity` (blocking → critical, warning
→ warning, info → info; an info rule has `mostly=0`, so it records what it
finds and never fails); one pandas dataframe asset and one
`ValidationDefinition` per suite, run once per check batch.

Why a column per rule rather than one expectation per rule with a
`row_condition`: GX evaluates a condition over the whole frame (≈0.7 s per
rule per million rows). Each suite's frame instead has four columns per
rule (row, observed, low, high), the rule's rows stacked from the top and
the rest NULL (skipped by GX as missing), so each expectation reads only its
own rows, and a check batch costs seven validations whatever its size.
GX's fixed cost is ≈15 ms per expectation; the import (≈3 s) happens once per
process, in the thread that checks, never in the background: a GX import
racing Dagster's imports of SQLAlchemy failed one load in twenty with
"partially initialized module 'sqlalchemy.orm.exc'" (issue 13).

Failing rows come back as positions in the rule's columns
(`unexpected_index_list`, no index column names: naming columns makes GX look
each one up in Python) and are joined back to the reconciliation rows; the
verdict per (rule, report) is assembled with Polars expressions, not a
Python loop over reports.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import polars as pl

from expectations import checked
from expectations.catalogue import BLOCKING, INFO, RULES, STORED_SEVERITY, WARNING
from expectations.reconcile import RECONCILIATIONS

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

# GX's own failure severity for each catalogue severity.
GX_SEVERITY = {BLOCKING: "critical", WARNING: "warning", INFO: "info"}
# COMPLETE: the only format whose lists of unexpected rows are whole (BASIC's partial list stops at
# 200); positions only, no partial lists or query string built.
RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 0, "return_unexpected_index_query": False}
BATCH_DEFINITION = "checked_reports"


@dataclass
class SuiteValidation:
    """What GX said about one suite on one check batch (the parts `core.validation_runs` keeps)."""

    suite: str
    success: bool
    statistics: dict[str, float]
    # per rule: GX's success, severity, rows judged (element_count − missing_count), unexpected rows
    rules: dict[str, dict] = field(default_factory=dict)


@dataclass
class CheckOutcome:
    """One check batch: the `core.check_results` rows and the GX validations they came from."""

    rows: pl.DataFrame
    validations: list[SuiteValidation]
    # per (suite, rule): reports assessed, reports with unexpected rows, reports not assessable
    tallies: pl.DataFrame


def catalogue_suites() -> dict[str, list[str]]:
    """Catalogue suite → its rule ids, in catalogue order."""
    out: dict[str, list[str]] = {}
    for rule in RULES.values():
        out.setdefault(rule.suite, []).append(rule.id)
    return out


_GX_LOCK = threading.Lock()


def _gx():
    """The ephemeral GX context and the suites' validation definitions, built on first use in the
    thread that checks (never a background thread, see the module docstring); rebuilt when the
    catalogue changes (a rule's severity or suite), so the stored suites always state the catalogue."""
    key = tuple((r.id, r.suite, r.severity, r.basis, r.description) for r in RULES.values())
    with _GX_LOCK:
        return _gx_context(key)


@functools.lru_cache(maxsize=1)
def _gx_context(_catalogue_key: tuple):
    """An ephemeral context holding one ExpectationSuite and one ValidationDefinition per catalogue suite."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from expectations.gx_rule_expectation import ExpectRuleRowsToHold, rule_columns

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("ogi_reconciliation")
    definitions = {}
    for suite_name, rule_ids in catalogue_suites().items():
        batch_definition = source.add_dataframe_asset(suite_name).add_batch_definition_whole_dataframe(BATCH_DEFINITION)
        suite = gx.ExpectationSuite(name=suite_name, meta={"catalogue": "expectations/catalogue.py"})
        for rule_id in rule_ids:
            rule = RULES[rule_id]
            suite.add_expectation(
                ExpectRuleRowsToHold(
                    column_list=rule_columns(rule_id),
                    mostly=0.0 if rule.severity == INFO else 1.0,
                    severity=GX_SEVERITY[rule.severity],
                    description=f"{rule_id}: {rule.description}",
                    meta={
                        "rule": rule_id,
                        "severity": rule.severity,
                        "suite": rule.suite,
                        "basis": rule.basis,
                        "description": rule.description,
                    },
                )
            )
        suite = context.suites.add(suite)
        definitions[suite_name] = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
        )
    return context, definitions


def gx_suites() -> dict:
    """The ExpectationSuites as stored in the GX context, by name."""
    context, _ = _gx()
    return {suite.name: suite for suite in context.suites.all()}


def _rule_frame(con: duckdb.DuckDBPyConnection, rule_id: str) -> pl.DataFrame:
    """One rule's reconciliation rows, in the common frame schema."""
    frame = con.sql(RECONCILIATIONS[rule_id].sql).pl()
    frame = frame.with_columns(
        [pl.lit(None, dtype).alias(name) for name, dtype in FRAME_SCHEMA.items() if name not in frame.columns]
    ).with_columns(pl.lit(rule_id).alias("rule"))
    return frame.select([pl.col(name).cast(dtype) for name, dtype in FRAME_SCHEMA.items()])


def reconciliation_frame(con: duckdb.DuckDBPyConnection, rule_ids: list[str], first_row: int = 0) -> pl.DataFrame:
    """All reconciliation rows of the given rules for the checked batch (expectations.checked; one SQL per rule)."""
    frames = [_rule_frame(con, rule_id) for rule_id in rule_ids]
    recon = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=FRAME_SCHEMA)
    equality = pl.col("low").is_null() & pl.col("high").is_null()
    return recon.with_columns(
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("low")).alias("low"),
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("high")).alias("high"),
        pl.col("places").fill_null(1),
    ).with_row_index("row", offset=first_row)


def _suite_frame(columns: dict[str, dict[str, np.ndarray]], rule_ids: list[str]):
    """The suite's pandas frame: four columns per rule, its rows from the top, NULL below."""
    import pandas as pd

    from expectations.gx_rule_expectation import COLUMNS

    height = max((len(columns[r]["row"]) for r in rule_ids if r in columns), default=0)
    data: dict[str, np.ndarray] = {}
    for rule_id in rule_ids:
        mine = columns.get(rule_id)
        for part in COLUMNS:
            filled = np.full(height, np.nan)
            if mine is not None:
                filled[: len(mine[part])] = mine[part]
            data[f"{rule_id}|{part}"] = filled
    return pd.DataFrame(data)


RuleColumns = dict[str, dict[str, np.ndarray]]
Judged = tuple[np.ndarray, list[SuiteValidation]]  # the failing frame rows, and what each suite's validation said
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


def run_validations(columns: RuleColumns, suites: Sequence[str] | None = None) -> Judged:
    """Run the given catalogue suites' ValidationDefinitions (default: every suite's) over the rules' columns.

    Returns the frame positions (`row`) GX found unexpected, and what each
    suite's validation said. Runs wherever GX is imported: in the checking
    thread by default, or in the validator process a load starts early.
    """
    _, definitions = _gx()
    failing: list[np.ndarray] = []
    validations: list[SuiteValidation] = []
    for suite_name, rule_ids in catalogue_suites().items():
        if suites is not None and suite_name not in suites:
            continue
        result = definitions[suite_name].run(
            batch_parameters={"dataframe": _suite_frame(columns, rule_ids)}, result_format=RESULT_FORMAT
        )
        validation = SuiteValidation(suite_name, bool(result.success), dict(result.statistics))
        for res in result.results:
            config = res.expectation_config
            rule_id = config.meta["rule"]
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX could not evaluate {rule_id}: {res.exception_info.get('exception_message')}")
            positions = np.asarray(res.result.get("unexpected_index_list") or [], dtype=np.int64)
            if len(positions) != res.result.get("unexpected_count", 0):
                raise RuntimeError(f"GX listed {len(positions)} of {rule_id}'s {res.result.get('unexpected_count')} unexpected rows")
            if len(positions):
                failing.append(columns[rule_id]["row"][positions].astype(np.int64))
            validation.rules[rule_id] = {
                "success": bool(res.success),
                "severity": getattr(config.severity, "value", config.severity),
                "rows": int(res.result.get("element_count", 0)) - int(res.result.get("missing_count", 0)),
                "unexpected_rows": int(res.result.get("unexpected_count", 0)),
            }
        validations.append(validation)
    rows = np.unique(np.concatenate(failing)) if failing else np.array([], dtype=np.int64)
    return rows, validations


def warm_up() -> None:
    """Import GX and build its context and suites: what the first check batch would otherwise wait
    for (the validator process does this while the parser stages run).

    Running every suite once over nothing as well bought nothing: measured, the
    first real validations take as long after it as without it (0.07 s for a
    suite of 5 rules), and it cost a small load 0.6 s of waiting (issue 17)."""
    _gx()


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
        frame = reconciliation_frame(con, mine, first_row)
        first_row += frame.height
        frame = frame.filter(pl.col("doc_id").is_not_null())
        waiting.append(judge(rule_columns(frame), [suite_name]))
        frames.append(frame)
    recon = pl.concat(frames, how="vertical")
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

    # reports a rule found nothing to look at: not assessable, with the reason
    expected_pairs = ids.join(pl.DataFrame({"rule": rule_ids}, schema={"rule": pl.String}), how="cross")
    missing = expected_pairs.join(summary.select("rule", "doc_id"), on=["rule", "doc_id"], how="anti")
    rows_na = _not_assessable(con, missing)

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
