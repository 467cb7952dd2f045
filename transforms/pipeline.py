"""What one document becomes at each stage: the composition of the transforms.

The warehouse stages call these per document; they hold no I/O so the same
code runs in a test, in a Dagster step or in a worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transforms import extract, metadata, narrative, sections, tables
from transforms.model import (
    ActiveFact,
    ExtractedText,
    Figure,
    ParseIssue,
    ReportMetadata,
    RequestFact,
    ReviewFact,
    Section,
    TablesResult,
    TransformError,
)

_REPORT_MARKERS = ("政府信息公开", "政务公开", "信息公开", "依申请公开", "主动公开")


def extract_document(data: bytes, file_name: str) -> ExtractedText:
    """Bytes → cleaned text, or a TransformError saying why not."""
    return extract.extract_text(data, file_name)


def derive_metadata(text: str, source_path: str) -> ReportMetadata:
    """Cleaned text → report metadata; refuses text that is no disclosure report at all.

    A page about something else (a 404 page, a news item) must not become an
    empty "report": it is recorded in load_errors as ``not_a_report``.
    """
    if not any(marker in text for marker in _REPORT_MARKERS):
        raise TransformError(
            "not_a_report",
            "the text never mentions 政府信息公开/政务公开: not a disclosure report",
            stage="metadata",
        )
    return metadata.extract_metadata(text, source_path)


def derive_sections(text: str) -> list[Section]:
    return sections.split_sections(text)


@dataclass
class DocumentFacts:
    """Everything numeric one report yields, table and prose alike."""

    tables: TablesResult
    figures: list[Figure]
    narrative_active: list[ActiveFact] = field(default_factory=list)
    narrative_requests: list[RequestFact] = field(default_factory=list)
    narrative_review: list[ReviewFact] = field(default_factory=list)

    @property
    def issues(self) -> list[ParseIssue]:
        return self.tables.issues


def derive_facts(text: str, report_sections: list[Section], doc_kind: str) -> DocumentFacts:
    """Tables and prose figures of one report.

    A blank template (doc_kind ``other``) yields no table facts: its empty
    cells must never be stored as a report of zeros.
    """
    figures = narrative.extract_figures(text, report_sections)
    # Exact prose figures may choose among the splits of a flattened crawler
    # run that satisfy every table rule -- never override a table value.
    hints = {f.metric: f.value for f in figures if f.metric and f.qualifier == "exact"}
    table_result = tables.extract_tables(text, hints) if doc_kind != "other" else TablesResult()
    n_active, n_requests, n_review = narrative.figures_to_facts(figures, text)
    return DocumentFacts(
        tables=table_result,
        figures=figures,
        narrative_active=n_active,
        narrative_requests=n_requests,
        narrative_review=n_review,
    )
