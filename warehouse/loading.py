"""The parser stages as warehouse operations: read a batch, transform, write.

Each `run_*` function reads its inputs from the layer below (never from the
files), so stages can be re-run alone and a new parser version re-derives
everything from `raw.documents`.
"""

from __future__ import annotations

import polars as pl

from transforms import PARSER_VERSION, pipeline
from transforms.model import TransformError
from transforms.agencies import agency_key
from warehouse.stages import BatchResult, Progress, StageStats, run_stage

DEC = pl.Decimal(24, 6)

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "staging.cleaned_text": {
        "doc_id": pl.String,
        "kind": pl.String,
        "encoding": pl.String,
        "text": pl.String,
        "char_count": pl.Int64,
    },
    "core.reports": {
        "doc_id": pl.String,
        "source_path": pl.String,
        "agency": pl.String,
        "region": pl.String,
        "admin_level": pl.String,
        "report_year": pl.Int32,
        "published_on": pl.Date,
        "doc_kind": pl.String,
        "format_version": pl.String,
        "status": pl.String,
        "status_reason": pl.String,
        "title": pl.String,
        "agency_id": pl.String,
        "parser_version": pl.String,
    },
    "core.sections": {
        "doc_id": pl.String,
        "section": pl.String,
        "heading": pl.String,
        "body": pl.String,
        "start_offset": pl.Int32,
        "end_offset": pl.Int32,
    },
    "core.fact_active_disclosure": {
        "doc_id": pl.String,
        "item": pl.String,
        "metric": pl.String,
        "value": DEC,
        "unit": pl.String,
        "source": pl.String,
        "row_label": pl.String,
        "column_label": pl.String,
        "raw_text": pl.String,
    },
    "core.fact_requests": {
        "doc_id": pl.String,
        "row_code": pl.String,
        "applicant": pl.String,
        "value": pl.Int64,
        "source": pl.String,
        "row_label": pl.String,
        "raw_text": pl.String,
    },
    "core.fact_review_litigation": {
        "doc_id": pl.String,
        "proceeding": pl.String,
        "outcome": pl.String,
        "value": pl.Int64,
        "source": pl.String,
        "raw_text": pl.String,
    },
    "core.fact_narrative_figures": {
        "doc_id": pl.String,
        "section": pl.String,
        "value": DEC,
        "unit": pl.String,
        "qualifier": pl.String,
        "phrase": pl.String,
        "start_offset": pl.Int32,
        "end_offset": pl.Int32,
        "metric": pl.String,
    },
    "core.fact_legacy_stats": {
        "doc_id": pl.String,
        "indicator": pl.String,
        "unit": pl.String,
        "period": pl.String,
        "value": DEC,
        "source": pl.String,
        "raw_text": pl.String,
    },
    "staging.parse_issues": {
        "doc_id": pl.String,
        "stage": pl.String,
        "code": pl.String,
        "tbl": pl.String,
        "blocking": pl.Boolean,
        "message": pl.String,
    },
}

FACT_TABLES = (
    "core.fact_active_disclosure",
    "core.fact_requests",
    "core.fact_review_litigation",
    "core.fact_narrative_figures",
    "core.fact_legacy_stats",
)


def _error_row(doc_id: str, source_path: str, err: TransformError, default_stage: str) -> dict:
    stage = err.stage if err.stage and err.stage != "transform" else default_stage
    return {"source_path": source_path, "doc_id": doc_id, "stage": stage, "error": err.code, "message": err.message}


def _ids_frame(doc_ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})


def _select_batch(con, sql: str, doc_ids: list[str]) -> list[tuple]:
    con.register("_ogi_sel", _ids_frame(doc_ids))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.unregister("_ogi_sel")


# --- cleaned_text ---------------------------------------------------------


def _process_clean(con, doc_ids: list[str]) -> BatchResult:
    result = BatchResult()
    rows = _select_batch(
        con,
        "SELECT d.doc_id, d.source_path, d.file_name, d.content FROM raw.documents d JOIN _ogi_sel USING (doc_id)",
        doc_ids,
    )
    for doc_id, source_path, file_name, content in rows:
        try:
            extracted = pipeline.extract_document(bytes(content), file_name)
        except TransformError as err:
            result.outcomes[doc_id] = err.code
            result.errors.append(_error_row(doc_id, source_path, err, "clean"))
            continue
        result.add(
            "staging.cleaned_text",
            [
                {
                    "doc_id": doc_id,
                    "kind": extracted.kind,
                    "encoding": extracted.encoding,
                    "text": extracted.text,
                    "char_count": len(extracted.text),
                }
            ],
        )
    return result


def run_clean(con, progress: Progress | None = None, batch_size: int = 200) -> StageStats:
    return run_stage(
        con,
        "cleaned_text",
        "SELECT doc_id FROM raw.documents",
        _process_clean,
        replaces=("staging.cleaned_text",),
        schemas=SCHEMAS,
        batch_size=batch_size,
        **({"progress": progress} if progress else {}),
    )


# --- report_metadata -------------------------------------------------------


def _process_metadata(con, doc_ids: list[str]) -> BatchResult:
    result = BatchResult()
    rows = _select_batch(
        con,
        "SELECT t.doc_id, d.source_path, t.text FROM staging.cleaned_text t "
        "JOIN raw.documents d USING (doc_id) JOIN _ogi_sel USING (doc_id)",
        doc_ids,
    )
    for doc_id, source_path, text in rows:
        try:
            meta = pipeline.derive_metadata(text, source_path)
        except TransformError as err:
            result.outcomes[doc_id] = err.code
            result.errors.append(_error_row(doc_id, source_path, err, "metadata"))
            continue
        result.add(
            "core.reports",
            [
                {
                    "doc_id": doc_id,
                    "source_path": source_path,
                    "agency": meta.agency,
                    "region": meta.region,
                    "admin_level": meta.admin_level,
                    "report_year": meta.report_year,
                    "published_on": meta.published_on,
                    "doc_kind": meta.doc_kind,
                    "format_version": meta.format_version,
                    # Nothing is published before its checks have run.
                    "status": "quarantined",
                    "status_reason": "awaiting checks",
                    "title": meta.title,
                    "agency_id": agency_key(meta.agency, meta.region),
                    "parser_version": PARSER_VERSION,
                }
            ],
        )
    return result


def run_metadata(con, progress: Progress | None = None, batch_size: int = 500) -> StageStats:
    return run_stage(
        con,
        "report_metadata",
        "SELECT doc_id FROM staging.cleaned_text",
        _process_metadata,
        replaces=("core.reports",),
        schemas=SCHEMAS,
        batch_size=batch_size,
        **({"progress": progress} if progress else {}),
    )


# --- report_sections -------------------------------------------------------


def _process_sections(con, doc_ids: list[str]) -> BatchResult:
    result = BatchResult()
    rows = _select_batch(
        con, "SELECT t.doc_id, t.text FROM staging.cleaned_text t JOIN _ogi_sel USING (doc_id)", doc_ids
    )
    for doc_id, text in rows:
        result.add(
            "core.sections",
            [
                {
                    "doc_id": doc_id,
                    "section": s.section,
                    "heading": s.heading,
                    "body": s.body,
                    "start_offset": s.start_offset,
                    "end_offset": s.end_offset,
                }
                for s in pipeline.derive_sections(text)
            ],
        )
    return result


def run_sections(con, progress: Progress | None = None, batch_size: int = 500) -> StageStats:
    return run_stage(
        con,
        "report_sections",
        "SELECT doc_id FROM core.reports",
        _process_sections,
        replaces=("core.sections",),
        schemas=SCHEMAS,
        batch_size=batch_size,
        **({"progress": progress} if progress else {}),
    )


# --- facts -------------------------------------------------------------------


def _sections_of(con, doc_ids: list[str]) -> dict[str, list]:
    from transforms.model import Section

    out: dict[str, list] = {d: [] for d in doc_ids}
    for doc_id, section, heading, body, start, end in _select_batch(
        con,
        "SELECT s.doc_id, s.section, s.heading, s.body, s.start_offset, s.end_offset "
        "FROM core.sections s JOIN _ogi_sel USING (doc_id) ORDER BY s.doc_id, s.start_offset",
        doc_ids,
    ):
        out[doc_id].append(Section(section, heading, body, start, end))
    return out


def _process_facts(con, doc_ids: list[str]) -> BatchResult:
    result = BatchResult()
    sections = _sections_of(con, doc_ids)
    rows = _select_batch(
        con,
        "SELECT t.doc_id, t.text, r.doc_kind FROM staging.cleaned_text t "
        "JOIN core.reports r USING (doc_id) JOIN _ogi_sel USING (doc_id)",
        doc_ids,
    )
    for doc_id, text, doc_kind in rows:
        facts = pipeline.derive_facts(text, sections.get(doc_id, []), doc_kind)
        _add_fact_rows(result, doc_id, facts)
    return result


def _add_fact_rows(result: BatchResult, doc_id: str, facts: pipeline.DocumentFacts) -> None:
    for source, active, requests, review in (
        ("table", facts.tables.active, facts.tables.requests, facts.tables.review),
        ("narrative", facts.narrative_active, facts.narrative_requests, facts.narrative_review),
    ):
        result.add(
            "core.fact_active_disclosure",
            (
                {
                    "doc_id": doc_id,
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
            ),
        )
        result.add(
            "core.fact_requests",
            (
                {
                    "doc_id": doc_id,
                    "row_code": f.row_code,
                    "applicant": f.applicant,
                    "value": f.value,
                    "source": source,
                    "row_label": f.ref.row_label,
                    "raw_text": f.ref.raw,
                }
                for f in requests
            ),
        )
        result.add(
            "core.fact_review_litigation",
            (
                {
                    "doc_id": doc_id,
                    "proceeding": f.proceeding,
                    "outcome": f.outcome,
                    "value": f.value,
                    "source": source,
                    "raw_text": f.ref.raw,
                }
                for f in review
            ),
        )
    result.add(
        "core.fact_narrative_figures",
        (
            {
                "doc_id": doc_id,
                "section": g.section,
                "value": g.value,
                "unit": g.unit,
                "qualifier": g.qualifier,
                "phrase": g.phrase,
                "start_offset": g.start_offset,
                "end_offset": g.end_offset,
                "metric": g.metric,
            }
            for g in facts.figures
        ),
    )
    result.add(
        "core.fact_legacy_stats",
        (
            {
                "doc_id": doc_id,
                "indicator": s.indicator,
                "unit": s.unit,
                "period": s.period,
                "value": s.value,
                "source": "table",
                "raw_text": s.raw,
            }
            for s in getattr(facts.tables, "legacy", [])
        ),
    )
    result.add(
        "staging.parse_issues",
        (
            {
                "doc_id": doc_id,
                "stage": "facts",
                "code": i.code,
                "tbl": i.table,
                "blocking": i.blocking,
                "message": i.message,
            }
            for i in facts.issues
        ),
    )


def run_facts(con, progress: Progress | None = None, batch_size: int = 500) -> StageStats:
    return run_stage(
        con,
        "facts",
        "SELECT doc_id FROM core.reports",
        _process_facts,
        replaces=FACT_TABLES + ("staging.parse_issues",),
        schemas=SCHEMAS,
        batch_size=batch_size,
        **({"progress": progress} if progress else {}),
    )
