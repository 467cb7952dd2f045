"""A table's shape is stated once, in warehouse/sql: frames are typed from it, records map onto it by name."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import duckdb
import polars as pl
import pytest

from conftest import seed_files
from orchestration.engine import derive
from transforms import PARSER_VERSION
from transforms.model import Figure, Section
from warehouse import db
from warehouse.shapes import frame_schema, rows_frame, tables


def test_dtypes_come_from_the_ddl() -> None:
    assert {"raw.documents", "core.reports", "core.fact_requests", "core.check_results", "staging.stage_ledger"} <= set(tables())
    assert frame_schema("core.fact_active_disclosure", ["value", "page", "verified_by"]) == {
        "value": pl.Decimal(24, 6),
        "page": pl.Int32,
        "verified_by": pl.List(pl.String),
    }
    assert frame_schema("core.reports", ["report_year", "published_on"]) == {"report_year": pl.Int32, "published_on": pl.Date}
    assert frame_schema("raw.documents", ["content"]) == {"content": pl.Binary}
    assert frame_schema("core.load_errors", ["at"]) == {"at": pl.Datetime("us")}
    with pytest.raises(KeyError, match="core.sections has no column 'page'"):
        frame_schema("core.sections", ["doc_id", "page"])


def test_rows_missing_a_column_get_null_and_the_frame_writes() -> None:
    frame = rows_frame("core.load_errors", [{"source_path": "/x.txt", "stage": "read", "error": "empty_file", "message": "m", "at": datetime(2026, 1, 1)}])
    assert frame.schema == frame_schema("core.load_errors") and frame["doc_id"].to_list() == [None]
    con = duckdb.connect(":memory:")
    try:
        db.ensure_schema(con)
        assert db.write_frame(con, "core.load_errors", frame) == 1
    finally:
        con.close()


@pytest.mark.parametrize(("record", "table"), [(Section, "core.sections"), (Figure, "core.fact_narrative_figures")])
def test_transform_records_are_their_tables_columns(record, table) -> None:
    """derive writes these records by field name: every field is a column, every column but doc_id a field."""
    assert [f.name for f in dataclasses.fields(record)] == [c for c in frame_schema(table) if c != "doc_id"]


def test_every_column_a_stage_derives_is_a_column_of_its_table() -> None:
    """One real report through every derivation the workers run, typed from the DDL and written."""
    seed = seed_files()[1]
    cleaned = derive.clean(seed.read_bytes(), seed.name)["staging.cleaned_text"]
    text = cleaned["text"][0]
    meta = derive.metadata(text, str(seed), PARSER_VERSION, cleaned["input_format"][0])
    sections = derive.sections(text)
    section_rows = list(zip(*(sections["core.sections"][c] for c in ("section", "heading", "body", "start_offset", "end_offset"))))
    facts = derive.facts(text, section_rows, meta["core.reports"]["doc_kind"][0], None, cleaned["cell_origins"][0])
    con = duckdb.connect(":memory:")
    try:
        db.ensure_schema(con)
        for tables_ in ({"staging.cleaned_text": cleaned}, meta, sections, facts):
            for table, columns in tables_.items():
                n = len(next(iter(columns.values())))
                frame = pl.DataFrame({"doc_id": ["d"] * n, **columns}, schema=frame_schema(table, ["doc_id", *columns]))
                assert db.write_frame(con, table, frame) == n
        assert con.execute("SELECT count(*) FROM core.fact_requests").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM core.sections").fetchone()[0] > 0
    finally:
        con.close()


def test_the_check_frame_is_typed_like_its_table() -> None:
    from expectations.suites import CHECK_SCHEMA

    assert CHECK_SCHEMA == frame_schema("core.check_results")
