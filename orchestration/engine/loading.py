"""The parser stages as warehouse operations: read a batch, transform in workers, write.

Each stage reads its inputs from the layer below (never from the files), so
stages can be re-run alone and a new parser version re-derives everything
from `raw.documents`. What a stage makes of one document is in
orchestration.engine.derive; this module only says where the inputs come from.
"""

from __future__ import annotations

import dataclasses
import functools

import polars as pl

import transforms
from transforms.model import TransformError
from orchestration.engine import convert, derive, sources
from orchestration.engine.stages import BatchResult, Stage, StageInput

FACT_TABLES = (
    "core.fact_active_disclosure",
    "core.fact_requests",
    "core.fact_review_litigation",
    "core.fact_narrative_figures",
    "core.fact_legacy_stats",
)


def _ids_frame(doc_ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})


def _rowids(con, table: str) -> str:
    """`BETWEEN lo AND hi`: the rowid range of the batch's rows in `table` (reads only doc_id)."""
    lo, hi = con.execute(
        f"SELECT min(rowid), max(rowid) FROM {table} WHERE doc_id IN (SELECT doc_id FROM _ogi_sel)"
    ).fetchone()
    return "IS NULL" if lo is None else f"BETWEEN {lo} AND {hi}"  # rowid is never NULL: no rows


def _select_batch(con, sql: str, doc_ids: list[str], **ranged: str) -> list[tuple]:
    """Run `sql` for the batch's documents (registered as `_ogi_sel`).

    `ranged` maps a placeholder of `sql` to a table: it becomes that table's
    rowid range for the batch, e.g. `WHERE t.rowid {t}`. A join on doc_id
    alone scans the whole table, text and bytes included, for every batch:
    quadratic in the warehouse size. Batches come in rowid order
    (stages.pending_doc_ids), so the ranges are narrow.
    """
    con.register("_ogi_sel", _ids_frame(doc_ids))
    try:
        return con.execute(sql.format(**{k: _rowids(con, table) for k, table in ranged.items()})).fetchall()
    finally:
        con.unregister("_ogi_sel")


def _read_clean(
    con, doc_ids: list[str], converter: convert.Converter = convert.Converter(), ocr_seconds: float | None = None
) -> list[StageInput]:
    rows = _select_batch(
        con,
        "SELECT d.doc_id, d.source_path, d.file_name, d.content FROM raw.documents d JOIN _ogi_sel USING (doc_id) "
        "WHERE d.rowid {d} ORDER BY d.rowid",
        doc_ids,
        d="raw.documents",
    )
    return [
        StageInput(doc_id, path, (bytes(content), name, converter, path, ocr_seconds))
        for doc_id, path, name, content in rows
    ]


def _read_metadata(con, doc_ids: list[str]) -> list[StageInput]:
    rows = _select_batch(
        con,
        "SELECT t.doc_id, d.source_path, t.text, t.input_format FROM staging.cleaned_text t "
        "JOIN raw.documents d USING (doc_id) JOIN _ogi_sel USING (doc_id) "
        "WHERE t.rowid {t} AND d.rowid {d} ORDER BY t.rowid",
        doc_ids,
        t="staging.cleaned_text",
        d="raw.documents",
    )
    return [
        StageInput(doc_id, path, (text, path, transforms.PARSER_VERSION, fmt)) for doc_id, path, text, fmt in rows
    ]


def _read_sections(con, doc_ids: list[str]) -> list[StageInput]:
    rows = _select_batch(
        con,
        "SELECT t.doc_id, r.source_path, t.text FROM staging.cleaned_text t "
        "JOIN core.reports r USING (doc_id) JOIN _ogi_sel USING (doc_id) WHERE t.rowid {t} ORDER BY r.rowid",
        doc_ids,
        t="staging.cleaned_text",
    )
    return [StageInput(doc_id, path, (text,)) for doc_id, path, text in rows]


def _read_facts(con, doc_ids: list[str]) -> list[StageInput]:
    sections: dict[str, list[tuple]] = {d: [] for d in doc_ids}
    for doc_id, *section in _select_batch(
        con,
        "SELECT s.doc_id, s.section, s.heading, s.body, s.start_offset, s.end_offset "
        "FROM core.sections s JOIN _ogi_sel USING (doc_id) WHERE s.rowid {s} ORDER BY s.doc_id, s.start_offset",
        doc_ids,
        s="core.sections",
    ):
        sections[doc_id].append(tuple(section))
    unsectioned = {
        doc_id: (code, message)
        for doc_id, code, message in _select_batch(
            con,
            "SELECT l.doc_id, l.outcome, coalesce(e.message, l.outcome) FROM staging.stage_ledger l "
            "JOIN _ogi_sel USING (doc_id) LEFT JOIN core.load_errors e "
            "ON e.doc_id = l.doc_id AND e.error = l.outcome AND e.stage = 'sections' "
            f"WHERE l.stage = 'report_sections' AND l.outcome <> 'ok' AND l.parser_version = '{transforms.PARSER_VERSION}'",
            doc_ids,
        )
    }
    rows = _select_batch(
        con,
        "SELECT t.doc_id, r.source_path, t.text, r.doc_kind, t.cell_origins FROM staging.cleaned_text t "
        "JOIN core.reports r USING (doc_id) JOIN _ogi_sel USING (doc_id) WHERE t.rowid {t} ORDER BY r.rowid",
        doc_ids,
        t="staging.cleaned_text",
    )
    return [
        StageInput(doc_id, path, ("", [], "other", unsectioned[doc_id]))
        if doc_id in unsectioned
        else StageInput(doc_id, path, (text, sections[doc_id], doc_kind, None, origins))
        for doc_id, path, text, doc_kind, origins in rows
    ]


def _unparsed_is_blocking(result: BatchResult, item: StageInput, err: TransformError) -> None:
    """A report whose tables could not be read must not be published as a report without figures."""
    result.add(
        "staging.parse_issues",
        [
            {
                "doc_id": item.doc_id,
                "stage": "facts",
                "code": err.code,
                "tbl": None,
                "blocking": True,
                "message": f"the tables and prose were not read: {err.message}",
                "readings": None,
            }
        ],
    )


CLEAN = Stage(
    sources.CLEAN,
    sources.SOURCES[sources.CLEAN],
    _read_clean,
    derive.clean,
    ("staging.cleaned_text",),
    batch_size=200,  # raw bytes and cleaned text of a batch are in memory at once
)
METADATA = Stage(
    sources.METADATA, sources.SOURCES[sources.METADATA], _read_metadata, derive.metadata, ("core.reports",)
)
SECTIONS = Stage(
    sources.SECTIONS, sources.SOURCES[sources.SECTIONS], _read_sections, derive.sections,
    ("core.sections", "core.text_signatures"),
)
FACTS = Stage(
    sources.FACTS,
    sources.SOURCES[sources.FACTS],
    _read_facts,
    derive.facts,
    FACT_TABLES + ("staging.parse_issues",),
    on_error=_unparsed_is_blocking,
)


def clean_stage(con, converter: convert.Converter, ocr_seconds: float | None = None) -> Stage:
    """The clean stage with this load's converter and OCR budget; documents that waited for
    LibreOffice or for OCR are pending again if it is there now."""
    sources.retry_needing_converter(con, converter)
    sources.retry_needing_ocr(con)
    return dataclasses.replace(CLEAN, read=functools.partial(_read_clean, converter=converter, ocr_seconds=ocr_seconds))
