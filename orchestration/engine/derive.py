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

from transforms import pipeline, similarity
from transforms.agencies import agency_key
from transforms.model import Figure, Section, TransformError
from orchestration.engine import convert, ocr, sources

Columns = dict[str, list]
Tables = dict[str, Columns]
Failure = tuple[str, str, str]  # a stage's TransformError as (code, message, stage), as a worker sends it


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


def clean(
    content: bytes,
    file_name: str,
    converter: convert.Converter = convert.Converter(),
    source_path: str | None = None,
    ocr_seconds: float | None = None,
) -> Tables:
    """raw.documents bytes → one staging.cleaned_text row.

    A legacy Word file (.doc/.wps, OLE2) is first converted to DOCX by
    LibreOffice (orchestration.engine.convert) and then read like any DOCX; its kind is
    `doc` and its encoding says what it was converted from (`wps→docx`).
    A PDF without a text layer, and the pictures of a web page (files beside
    `source_path`, or data: URIs), are read by OCR (orchestration.engine.ocr) when it is
    installed; a scan read so has encoding `ocr`.
    """
    kind = encoding = None
    if convert.is_legacy_word(content, file_name):
        ext = PurePath(file_name).suffix.lower().lstrip(".")
        content = convert.legacy_word_to_docx(content, file_name, converter)
        file_name, kind, encoding = str(PurePath(file_name).with_suffix(".docx")), "doc", f"{ext}→docx"
    extracted = _extract(content, file_name, source_path, ocr_seconds if ocr_seconds is not None else ocr.deadline())
    origins = json.dumps({str(k): v for k, v in extracted.origins.items()}, ensure_ascii=False) if extracted.origins else None
    return {
        "staging.cleaned_text": _columns(
            ("kind", "encoding", "text", "char_count", "input_format", "cell_origins"),
            [(kind or extracted.kind, encoding or extracted.encoding, extracted.text, len(extracted.text),
              "doc" if kind == "doc" else pipeline.input_format(extracted, file_name), origins)],
        )
    }


def _extract(content: bytes, file_name: str, source_path: str | None, ocr_seconds: float):
    """The extractor, with OCR where the container holds pictures instead of text.

    OCR is tried only where a page needs it: a PDF whose text layer is
    missing, a web page with <img> pictures large enough to be tables. The
    engine is imported then, never for other inputs."""
    images = None
    if (b"<img" in content or b"<IMG" in content) and b"%PDF-" not in content[:1024]:
        srcs = pipeline.image_sources(content)
        if srcs and ocr.available():
            images = ocr.read_table_images(srcs, source_path)
    try:
        return pipeline.extract_document(content, file_name, images)
    except TransformError as err:
        if err.code != "pdf_no_text_layer":
            raise
        if not ocr.available():
            raise TransformError(err.code, f"{err.message}; {ocr.INSTALL_HINT}", stage=err.stage) from None
    try:
        pages = ocr.read_pdf(content, ocr_seconds)
    except TransformError:
        raise
    except Exception as exc:  # the engine failing on one file is that file's error, not the load's
        raise TransformError("pdf_no_text_layer", f"no text layer, and OCR failed: {exc!r}", stage="read") from None
    return pipeline.extract_scanned(pages)


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
        "region_code": meta.region_code,
        "region_note": meta.region_note,
        "agency_type": meta.agency_type,
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
    """Cleaned text → core.sections rows with offsets into the text, and the MinHash
    signatures of sections 一 and 五 (core.text_signatures), computed here once
    per report so that the copy check (C-01) never recomputes an old report's."""
    derived = pipeline.derive_sections(text)
    signatures = []
    for s in derived:
        if s.section in similarity.SECTIONS:
            sig = similarity.signature(s.body)
            if sig is not None:
                signatures.append((s.section, *sig))
    return {
        "core.sections": _record_columns(Section, derived),
        "core.text_signatures": _columns(("section", "shingles", "minhash", "bands"), signatures),
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


def chained(clean_args: tuple, parser_version: str) -> dict[str, Tables | Failure]:
    """One document through every parser stage at once: raw bytes → cleaned text → metadata →
    sections → facts, each stage's output handed to the next in memory (orchestration/engine/chain.py).

    Returns each stage's outcome by ledger name, up to the stage that failed
    (a TransformError, as `Failure`): the same rows and errors the stages
    give one at a time reading each other's output from the warehouse, where
    a stage takes only the documents the previous one stored (a report
    whose sections failed still reaches the facts stage, which refuses it).
    Anything but a TransformError (a parser bug, a recursion limit, the
    document's time or memory limit) is the document's failure as a whole:
    the parent then takes it through the stages one by one, so that the
    failure is recorded against the stage that met it.
    """
    source_path = clean_args[3]
    done: dict[str, Tables | Failure] = {}

    def attempt(stage: str, work, *args) -> Tables | None:
        try:
            outcome = done[stage] = work(*args)
            return outcome
        except TransformError as err:
            done[stage] = (err.code, err.message, err.stage)
            return None

    cleaned = attempt(sources.CLEAN, clean, *clean_args)
    if cleaned is None:
        return done
    row = cleaned["staging.cleaned_text"]
    text, input_format, origins = row["text"][0], row["input_format"][0], row["cell_origins"][0]
    report = attempt(sources.METADATA, metadata, text, source_path, parser_version, input_format)
    if report is None:
        return done
    split = attempt(sources.SECTIONS, sections, text)
    if split is None:
        failed = done[sources.SECTIONS]
        # what the facts stage reads back from the ledger and load_errors for such a report
        sections_failed = (failed[0], failed[1] if failed[2] in (None, "", TransformError.stage, "sections") else failed[0])
        attempt(sources.FACTS, facts, "", [], "other", sections_failed)
        return done
    columns = split["core.sections"]
    section_rows = sorted(
        zip(*(columns[name] for name in ("section", "heading", "body", "start_offset", "end_offset"))),
        key=lambda r: r[3],
    )
    attempt(sources.FACTS, facts, text, section_rows, report["core.reports"]["doc_kind"][0], None, origins)
    return done
