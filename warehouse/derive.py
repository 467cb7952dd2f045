"""What each parser stage makes of one document, as rows of the warehouse tables.

These functions run inside the worker processes (warehouse.workers): they
take plain values read from the layer below, call the pure transforms and
return rows ready for a bulk insert, so that converting results costs the
workers' cores and not the parent's. They import nothing but the transforms
(a worker's memory limit is for the document, not for DuckDB or Polars), and
they raise only TransformError; the workers turn anything else into a
per-document error.
"""

from __future__ import annotations

from transforms import pipeline
from transforms.agencies import agency_key
from transforms.model import Section, TransformError

Rows = dict[str, list[dict]]


def clean(content: bytes, file_name: str) -> Rows:
    """raw.documents bytes → one staging.cleaned_text row."""
    extracted = pipeline.extract_document(content, file_name)
    return {
        "staging.cleaned_text": [
            {
                "kind": extracted.kind,
                "encoding": extracted.encoding,
                "text": extracted.text,
                "char_count": len(extracted.text),
            }
        ]
    }


def metadata(text: str, source_path: str, parser_version: str) -> Rows:
    """Cleaned text → one core.reports row, quarantined until its checks have run.

    The parser version comes from the parent, which writes the same version
    into the stage ledger.
    """
    meta = pipeline.derive_metadata(text, source_path)
    return {
        "core.reports": [
            {
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
            }
        ]
    }


def sections(text: str) -> Rows:
    """Cleaned text → core.sections rows with offsets into the text."""
    return {
        "core.sections": [
            {
                "section": s.section,
                "heading": s.heading,
                "body": s.body,
                "start_offset": s.start_offset,
                "end_offset": s.end_offset,
            }
            for s in pipeline.derive_sections(text)
        ]
    }


def facts(text: str, section_rows: list[tuple], doc_kind: str, sections_failed: tuple[str, str] | None = None) -> Rows:
    """Cleaned text and its sections → rows of the five fact tables and the parse issues.

    `sections_failed` is the (code, message) of a sections stage that gave up
    on this report (time or memory limit): reading its tables without
    sections would produce a report without figures, so this stage fails
    the same way and the report is quarantined.
    """
    if sections_failed is not None:
        raise TransformError(sections_failed[0], f"its sections could not be split: {sections_failed[1]}", stage="tables")
    report_sections = [Section(*row) for row in section_rows]
    derived = pipeline.derive_facts(text, report_sections, doc_kind)
    rows: Rows = {
        "core.fact_active_disclosure": [],
        "core.fact_requests": [],
        "core.fact_review_litigation": [],
    }
    for source, active, requests, review in (
        ("table", derived.tables.active, derived.tables.requests, derived.tables.review),
        ("narrative", derived.narrative_active, derived.narrative_requests, derived.narrative_review),
    ):
        rows["core.fact_active_disclosure"] += [
            {
                "item": f.item,
                "metric": f.metric,
                "value": f.value,
                "unit": f.unit,
                "source": source,
                "row_label": f.ref.row_label,
                "column_label": f.ref.column_label,
                "raw_text": f.ref.raw,
            }
            for f in active
        ]
        rows["core.fact_requests"] += [
            {
                "row_code": f.row_code,
                "applicant": f.applicant,
                "value": f.value,
                "source": source,
                "row_label": f.ref.row_label,
                "raw_text": f.ref.raw,
            }
            for f in requests
        ]
        rows["core.fact_review_litigation"] += [
            {
                "proceeding": f.proceeding,
                "outcome": f.outcome,
                "value": f.value,
                "source": source,
                "raw_text": f.ref.raw,
            }
            for f in review
        ]
    rows["core.fact_narrative_figures"] = [
        {
            "section": g.section,
            "value": g.value,
            "unit": g.unit,
            "qualifier": g.qualifier,
            "phrase": g.phrase,
            "start_offset": g.start_offset,
            "end_offset": g.end_offset,
            "metric": g.metric,
        }
        for g in derived.figures
    ]
    rows["core.fact_legacy_stats"] = [
        {
            "indicator": s.indicator,
            "unit": s.unit,
            "period": s.period,
            "value": s.value,
            "source": "table",
            "raw_text": s.raw,
        }
        for s in derived.tables.legacy
    ]
    rows["staging.parse_issues"] = [
        {"stage": "facts", "code": i.code, "tbl": i.table, "blocking": i.blocking, "message": i.message}
        for i in derived.issues
    ]
    return rows
