"""Great Expectations suites over the reconciliation frames → `check_results` rows.

GX is imported lazily (it costs seconds and hundreds of MB) and only where
validation runs; the Dagster definitions never import it at load time.
One GX suite per catalogue suite; each expectation carries its rule id in
`meta`, and failing rows come back by (doc_id, location).
"""

from __future__ import annotations

import functools
from datetime import datetime

import duckdb
import polars as pl

from expectations.catalogue import INFO, RULES
from expectations.reconcile import NON_NEGATIVE, NOT_ASSESSABLE_REASON, PAIR, RECONCILIATIONS

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

_MAX_LISTED = 5  # failing places spelled out in one check result


@functools.lru_cache(maxsize=1)
def _gx():
    """One ephemeral GX context per process, progress bars off."""
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


def _suite(suite_name: str, rule_ids: list[str]):
    gx, _, _ = _gx()
    from great_expectations.expectations.row_conditions import Column

    suite = gx.ExpectationSuite(name=suite_name)
    for rule_id in rule_ids:
        kind, _ = RECONCILIATIONS[rule_id]
        condition = Column("rule") == rule_id
        if kind == PAIR:
            expectation = gx.expectations.ExpectColumnPairValuesToBeEqual(
                column_A="observed",
                column_B="expected",
                row_condition=condition,
                meta={"rule": rule_id},
            )
        elif kind == NON_NEGATIVE:
            expectation = gx.expectations.ExpectColumnValuesToBeBetween(
                column="observed",
                min_value=0,
                row_condition=condition,
                meta={"rule": rule_id},
            )
        else:  # pragma: no cover - the catalogue only has these kinds
            raise ValueError(kind)
        suite.add_expectation(expectation)
    return suite


def reconciliation_frame(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> pl.DataFrame:
    """All reconciliation rows of the given rules for the registered `_ogi_check_ids`."""
    parts = [
        f"SELECT '{rule_id}' AS rule, doc_id, location, observed, expected, evidence FROM ({RECONCILIATIONS[rule_id][1]})"
        for rule_id in rule_ids
    ]
    return con.sql(" UNION ALL ".join(parts)).pl()


def validate(recon: pl.DataFrame, rule_ids: list[str]) -> pl.DataFrame:
    """Run the GX suites; returns the failing rows as (rule, doc_id, location)."""
    failing: list[dict] = []
    if recon.height == 0:
        return pl.DataFrame(schema={"rule": pl.String, "doc_id": pl.String, "location": pl.String})
    gx, _, batch_def = _gx()
    by_suite: dict[str, list[str]] = {}
    for rule_id in rule_ids:
        by_suite.setdefault(RULES[rule_id].suite, []).append(rule_id)
    batch = batch_def.get_batch(batch_parameters={"dataframe": recon.to_pandas()})
    for suite_name, ids in by_suite.items():
        result = batch.validate(
            _suite(suite_name, ids),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id", "location"]},
        )
        for res in result.results:
            rule_id = res.expectation_config.meta["rule"]
            for row in res.result.get("unexpected_index_list") or []:
                failing.append({"rule": rule_id, "doc_id": row["doc_id"], "location": row["location"]})
    return pl.DataFrame(failing, schema={"rule": pl.String, "doc_id": pl.String, "location": pl.String}).unique()


def _fmt(value: float | None) -> str:
    if value is None:
        return "NULL"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def check_rows(con: duckdb.DuckDBPyConnection, doc_ids: list[str], rule_ids: list[str] | None = None) -> pl.DataFrame:
    """Every implemented rule on every given report, as `core.check_results` rows."""
    rule_ids = rule_ids or list(RECONCILIATIONS)
    ids = pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})
    con.register("_ogi_check_ids", ids)
    try:
        recon = reconciliation_frame(con, rule_ids)
    finally:
        con.unregister("_ogi_check_ids")
    failing = validate(recon, rule_ids).with_columns(pl.lit(True).alias("failed"))
    flagged = recon.join(failing, on=["rule", "doc_id", "location"], how="left").with_columns(
        pl.col("failed").fill_null(False)
    )
    bad = pl.col("failed")
    summary = flagged.group_by(["rule", "doc_id"]).agg(
        pl.len().alias("places"),
        bad.sum().alias("failures"),
        pl.col("location").filter(bad).head(_MAX_LISTED).alias("bad_location"),
        pl.col("observed").filter(bad).head(_MAX_LISTED).alias("bad_observed"),
        pl.col("expected").filter(bad).head(_MAX_LISTED).alias("bad_expected"),
        pl.col("evidence").filter(bad).head(_MAX_LISTED).alias("bad_evidence"),
    )
    now = datetime.now()
    rows: list[dict] = []
    passed = summary.filter(pl.col("failures") == 0)
    rows_pass = passed.select(
        "doc_id",
        "rule",
        pl.lit("pass").alias("status"),
        pl.lit(None, pl.String).alias("observed"),
        pl.lit(None, pl.String).alias("expected"),
        pl.format("holds at all {} place(s) checked", pl.col("places")).alias("message"),
        pl.lit(None, pl.String).alias("location"),
        pl.lit(None, pl.String).alias("evidence"),
    )
    for r in summary.filter(pl.col("failures") > 0).iter_rows(named=True):
        rule = RULES[r["rule"]]
        triples = list(zip(r["bad_location"], r["bad_observed"], r["bad_expected"]))
        places = "; ".join(f"{loc}: observed {_fmt(o)}, expected {_fmt(e)}" for loc, o, e in triples)
        more = f" (and {r['failures'] - _MAX_LISTED} more)" if r["failures"] > _MAX_LISTED else ""
        informational = rule.severity == INFO
        rows.append(
            {
                "doc_id": r["doc_id"],
                "rule": r["rule"],
                "status": "pass" if informational else "fail",
                "observed": "; ".join(_fmt(o) for _, o, _ in triples),
                "expected": "; ".join(_fmt(e) for _, _, e in triples),
                "message": f"{rule.description} — {'note' if informational else 'fails'} at {r['failures']} place(s): {places}{more}",
                "location": "; ".join(loc for loc, _, _ in triples),
                "evidence": " | ".join(ev or "" for ev in r["bad_evidence"]),
            }
        )
    rows_fail = pl.DataFrame(rows, schema={k: v for k, v in CHECK_SCHEMA.items() if k not in ("suite", "severity", "checked_at")})
    # Reports a rule found nothing to look at: recorded as not assessable, with the reason.
    expected_pairs = ids.join(pl.DataFrame({"rule": rule_ids}), how="cross")
    missing = expected_pairs.join(summary.select("rule", "doc_id"), on=["rule", "doc_id"], how="anti")
    reasons = pl.DataFrame({"rule": list(NOT_ASSESSABLE_REASON), "reason": list(NOT_ASSESSABLE_REASON.values())})
    rows_na = missing.join(reasons, on="rule", how="left").select(
        "doc_id",
        "rule",
        pl.lit("not_assessable").alias("status"),
        pl.lit(None, pl.String).alias("observed"),
        pl.lit(None, pl.String).alias("expected"),
        pl.format("not assessable: {}", pl.col("reason")).alias("message"),
        pl.lit(None, pl.String).alias("location"),
        pl.lit(None, pl.String).alias("evidence"),
    )
    catalogue = pl.DataFrame(
        {
            "rule": list(RULES),
            "suite": [r.suite for r in RULES.values()],
            "severity": [r.severity for r in RULES.values()],
        }
    )
    return (
        pl.concat([rows_pass, rows_fail, rows_na], how="vertical")
        .join(catalogue, on="rule", how="left")
        .with_columns(pl.lit(now).alias("checked_at"))
        .select(list(CHECK_SCHEMA))
        .cast(CHECK_SCHEMA)
    )
