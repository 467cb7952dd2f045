"""Great Expectations suites over the reconciliation frames → `check_results` rows.

GX is imported lazily (it costs seconds and hundreds of MB) and only where
validation runs; the Dagster definitions never import it at load time.

Every reconciliation row states its own pass condition as bounds
(`low ≤ observed ≤ high`; an equality has low = high = expected; a NULL
bound is open), so one GX suite of four expectations judges every rule's
rows in a single validation, with no per-rule row conditions:

* `observed` is never NULL (a rule that cannot compute its value must not
  pass silently);
* at least one bound is set;
* `observed ≥ low` and `high ≥ observed` (rows without that bound skipped).

Why not one expectation per rule with a `row_condition`: GX evaluates each
condition over the whole frame (≈0.7 s per rule per million rows) and its
per-expectation overhead is ≈0.15 s (and ≈0.3 s per validation call),
which made 60 rules cost minutes at 100k reports. Bounds in the data keep validation linear and the rule's
logic in its SQL (reconcile.py), next to the evidence it shows.

Failing rows come back as frame positions (`unexpected_index_list` without
index column names — naming columns makes GX look each one up in Python) and
are joined back; the verdict per (rule, report) is assembled with Polars
expressions, not a Python loop over reports.
"""

from __future__ import annotations

import functools
import threading
from datetime import datetime

import duckdb
import polars as pl

from expectations.catalogue import INFO, RULES, STORED_SEVERITY
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


_GX_LOCK = threading.Lock()


def _gx():
    """One ephemeral GX context per process, built on first use in the thread that
    checks. Never imported in a background thread: a GX import racing Dagster's
    imports of SQLAlchemy in the main thread failed one load in twenty with
    "partially initialized module 'sqlalchemy.orm.exc'" (issue 13)."""
    with _GX_LOCK:
        return _gx_context()


@functools.lru_cache(maxsize=1)
def _gx_context():
    """The ephemeral GX context, progress bars off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_def = (
        context.data_sources.add_pandas("ogi_reconciliation")
        .add_dataframe_asset("reconciliation")
        .add_batch_definition_whole_dataframe("whole")
    )
    return gx, context, batch_def


@functools.lru_cache(maxsize=None)
def _suite(rule_ids: tuple[str, ...]):
    """The GX suite: the four bound expectations, tagged with the rules whose rows they judge."""
    gx, _, _ = _gx()
    meta = {"rules": list(rule_ids), "suites": sorted({RULES[r].suite for r in rule_ids if r in RULES})}
    suite = gx.ExpectationSuite(name="ogi_rule_catalogue")
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="observed", meta=meta))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="bound", meta=meta))
    suite.add_expectation(
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="observed", column_B="low", or_equal=True, ignore_row_if="either_value_is_missing", meta=meta
        )
    )
    suite.add_expectation(
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="high", column_B="observed", or_equal=True, ignore_row_if="either_value_is_missing", meta=meta
        )
    )
    return suite


def _rule_frame(con: duckdb.DuckDBPyConnection, rule_id: str) -> pl.DataFrame:
    """One rule's reconciliation rows, in the common frame schema."""
    frame = con.sql(RECONCILIATIONS[rule_id].sql).pl()
    frame = frame.with_columns(
        [pl.lit(None, dtype).alias(name) for name, dtype in FRAME_SCHEMA.items() if name not in frame.columns]
    ).with_columns(pl.lit(rule_id).alias("rule"))
    return frame.select([pl.col(name).cast(dtype) for name, dtype in FRAME_SCHEMA.items()])


def reconciliation_frame(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> pl.DataFrame:
    """All reconciliation rows of the given rules for the registered `_ogi_check_ids` (one SQL per rule)."""
    frames = [_rule_frame(con, rule_id) for rule_id in rule_ids]
    recon = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=FRAME_SCHEMA)
    equality = pl.col("low").is_null() & pl.col("high").is_null()
    return recon.with_columns(
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("low")).alias("low"),
        pl.when(equality).then(pl.col("expected")).otherwise(pl.col("high")).alias("high"),
        pl.col("places").fill_null(1),
    ).with_row_index("row")


def validate(recon: pl.DataFrame) -> pl.DataFrame:
    """Run the GX suite over the whole frame; returns the frame positions (`row`) of the failing rows."""
    if recon.height == 0:
        return pl.DataFrame(schema={"row": pl.UInt32})
    _, _, batch_def = _gx()
    numbers = recon.select("row", "observed", "low", "high", pl.coalesce("low", "high").alias("bound")).to_pandas()
    numbers = numbers.set_index("row", drop=True)
    numbers.index.name = None  # an unnamed index comes back as plain positions
    rule_ids = tuple(sorted(recon["rule"].unique().to_list()))
    batch = batch_def.get_batch(batch_parameters={"dataframe": numbers})
    result = batch.validate(_suite(rule_ids), result_format={"result_format": "COMPLETE"})
    failing: set[int] = set()
    for res in result.results:
        failing.update(int(i) for i in (res.result.get("unexpected_index_list") or []))
    return pl.DataFrame({"row": sorted(failing)}, schema={"row": pl.UInt32})


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


def check_rows(con: duckdb.DuckDBPyConnection, doc_ids: list[str], rule_ids: list[str] | None = None) -> pl.DataFrame:
    """Every implemented rule on every given report, as `core.check_results` rows."""
    rule_ids = list(rule_ids or RECONCILIATIONS)
    ids = pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})
    con.register("_ogi_check_ids", ids)
    try:
        recon = reconciliation_frame(con, rule_ids).filter(pl.col("doc_id").is_not_null())
        failing = validate(recon).with_columns(pl.lit(True).alias("failed"))
        flagged = recon.join(failing, on="row", how="left").with_columns(pl.col("failed").fill_null(False))
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
    finally:
        con.unregister("_ogi_check_ids")

    return (
        pl.concat([rows_checked, rows_na], how="vertical")
        .join(catalogue.select("rule", "suite", "severity"), on="rule", how="left")
        .with_columns(pl.lit(datetime.now()).alias("checked_at"))
        .select(list(CHECK_SCHEMA))
        .cast(CHECK_SCHEMA)
    )
