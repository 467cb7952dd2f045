"""What each parser stage makes of one document, as rows of the warehouse tables.

These functions run inside the worker processes (orchestration.engine.workers): they
take plain values read from the layer below, call the pure transforms and
return each table's rows as columns (name → values, without doc_id), ready
for a bulk insert: converting results costs the workers' cores and not the
parent's, and columns pickle and become frames several times faster than
row dicts. They import nothing but the transforms and orchestration.engine.convert
(a worker's memory limit is for the document, not for DuckDB or Polars), and
they raise only TransformError; the workers turn anything else into a
per-document error.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import PurePath

from transforms import pipeline
from transforms.agencies import agency_key
from transforms.model import Figure, Section, TransformError
from orchestration.engine import convert

Columns = dict[str, list]
Tables = dict[str, Columns]


def _columns(names: tuple[str, ...], rows: list[tuple]) -> Columns:
    if not rows:
        return {name: [] for name in names}
    return {name: list(values) for name, values in zip(names, zip(*rows))}


def _record_columns(record_type: type, records: list) -> Columns:
    """Records whose fields are the table's columns (transforms.model.Section → core.sections,
    Figure → core.fact_narrative_figures) as columns, by field name: the table's shape is its DDL,
    the record's is its dataclass, and nothing here restates either (tests/test_shapes.py checks
    that every field is a column)."""
    names = tuple(f.name for f in dataclasses.fields(record_type))
    return _columns(names, [tuple(getattr(r, name) for name in names) for r in records])


def clean(content: bytes, file_name: str, converter: convert.Converter = convert.Converter()) -> Tables:
    """raw.documents bytes → one staging.cleaned_text row.

    A legacy Word file (.doc/.wps, OLE2) is first converted to DOCX by
    LibreOffice (orchestration.engine.convert) and then read like any DOCX; its kind is
    `doc` and its encoding says what it was converted from (`wps→docx`).
    """
    kind = encoding = None
    if convert.is_legacy_word(content, file_name):
        ext = PurePath(file_name).suffix.lower().lstrip(".")
        content = convert.legacy_word_to_docx(content, file_name, converter)
        file_name, kind, encoding = str(PurePath(file_name).with_suffix(".docx")), "doc", f"{ext}→docx"
    extracted = pipeline.extract_document(content, file_name)
    origins = json.dumps({str(k): v for k, v in extracted.origins.items()}, ensure_ascii=False) if extracted.origins else None
    return {
        "staging.cleaned_text": _columns(
            ("kind", "encoding", "text", "char_count", "input_format", "cell_origins"),
            [(kind or extracted.kind, encoding or extracted.encoding, extracted.text, len(extracted.text),
              "doc" if kind == "doc" else pipeline.input_format(extracted, file_name), origins)],
        )
    }


def metadata(text: str, source_path: str, parser_version: str, input_format: str | None = None) -> Tables:
    """Cleaned text → one core.reports row, quarantined until its checks have run.

    The parser version comes from the parent, which writes the same version
    into the stage ledger.
    """
    meta = pipeline.derive_metadata(text, source_path)
    row = {
        "source_path": source_path,
        "agency": meta.agency,
        "region": meta.region,
        "admin_level": meta.admin_level,
        "report_year": meta.report_year,
        "published_on": meta.published_on,
        "doc_kind": meta.doc_kind,
        "format_version": meta.format_version,
        "status": "quarantined",
        "status_reason": "awaiting checks",
        "title": meta.title,
        "agency_id": agency_key(meta.agency, meta.region),
        "parser_version": parser_version,
        "input_format": input_format,
    }
    return {"core.reports": {name: [value] for name, value in row.items()}}


def sections(text: str) -> Tables:
    """Cleaned text → core.sections rows with offsets into the text."""
    return {
        "core.sections": _record_columns(Section, pipeline.derive_sections(text))
    }


def _readings(issue) -> str | None:
    """An undecided run's cells and readings as the JSON `staging.parse_issues.readings` keeps."""
    if not issue.readings:
        return None
    return json.dumps({"cells": list(issue.cells), "readings": [list(r) for r in issue.readings]}, ensure_ascii=False)


def facts(
    text: str,
    section_rows: list[tuple],
    doc_kind: str,
    sections_failed: tuple[str, str] | None = None,
    cell_origins: str | None = None,
) -> Tables:
    """Cleaned text and its sections → rows of the five fact tables and the parse issues.

    `sections_failed` is the (code, message) of a sections stage that gave up
    on this report (time or memory limit): reading its tables without
    sections would produce a report without figures, so this stage fails
    the same way and the report is quarantined.
    """
    if sections_failed is not None:
        raise TransformError(sections_failed[0], f"its sections could not be split: {sections_failed[1]}", stage="tables")
    origins = {int(k): tuple(v) for k, v in json.loads(cell_origins).items()} if cell_origins else None
    derived = pipeline.derive_facts(text, [Section(*row) for row in section_rows], doc_kind, origins)
    active: list[tuple] = []
    requests: list[tuple] = []
    review: list[tuple] = []
    for source, a, r, v in (
        ("table", derived.tables.active, derived.tables.requests, derived.tables.review),
        ("narrative", derived.narrative_active, derived.narrative_requests, derived.narrative_review),
    ):
        active += [
            (f.item, f.metric, f.value, f.unit, source, f.ref.row_label, f.ref.column_label, f.ref.raw,
             f.ref.location, f.ref.page)
            for f in a
        ]
        requests += [
            (f.row_code, f.applicant, f.value, source, f.ref.row_label, f.ref.raw, f.ref.location, f.ref.page) for f in r
        ]
        review += [(f.proceeding, f.outcome, f.value, source, f.ref.raw, f.ref.location, f.ref.page) for f in v]
    return {
        "core.fact_active_disclosure": _columns(
            ("item", "metric", "value", "unit", "source", "row_label", "column_label", "raw_text", "location", "page"),
            active,
        ),
        "core.fact_requests": _columns(
            ("row_code", "applicant", "value", "source", "row_label", "raw_text", "location", "page"), requests
        ),
        "core.fact_review_litigation": _columns(
            ("proceeding", "outcome", "value", "source", "raw_text", "location", "page"), review
        ),
        "core.fact_narrative_figures": _record_columns(Figure, derived.figures),
        "core.fact_legacy_stats": _columns(
            ("indicator", "unit", "period", "value", "source", "raw_text"),
            [(x.indicator, x.unit, x.period, x.value, "table", x.raw) for x in derived.tables.legacy],
        ),
        "staging.parse_issues": _columns(
            ("stage", "code", "tbl", "blocking", "message", "readings"),
            [("facts", i.code, i.table, i.blocking, i.message, _readings(i)) for i in derived.issues],
        ),
    }
