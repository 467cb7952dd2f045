"""What one document becomes at each stage: the composition of the transforms.

The warehouse stages call these per document; they hold no I/O so the same
code runs in a test, in a Dagster step or in a worker process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from transforms import extract, metadata, narrative, sections, tables
from transforms.model import (
    ActiveFact,
    ExtractedText,
    Figure,
    LegacyStat,
    ParseIssue,
    ReportMetadata,
    RequestFact,
    ReviewFact,
    Section,
    TablesResult,
    TransformError,
)
from transforms.ocr_layout import OcrPage
from transforms.tables import ocr_vetting
from transforms.tables.legacy import TABLE as LEGACY_TABLE

# No report states a count or an amount anywhere near 10^15 (a quadrillion
# yuan or items); a longer digit run is a typo, glued cells or garbage. The
# warehouse stores counts as BIGINT and amounts as DECIMAL(24, 6), and its
# checks add cells together: a value past this bound would overflow those
# columns and fail the load step for every document in the batch.
MAX_VALUE = Decimal(10) ** 15
# DECIMAL(24, 6) keeps 6 places. Rounding here, as DuckDB would, also keeps a
# cell with more digits than Decimal128's 38 ("5949.99700818…" from a garbled
# page) from failing the frame that carries it.
_PLACES = Decimal("0.000001")

_REPORT_MARKERS = ("政府信息公开", "政务公开", "信息公开", "依申请公开", "主动公开")


def extract_document(data: bytes, file_name: str, images: Mapping[str, OcrPage] | None = None) -> ExtractedText:
    """Bytes → cleaned text, or a TransformError saying why not. ``images``:
    what OCR read in a web page's pictures, by their ``src``."""
    return extract.extract_text(data, file_name, images)


def extract_scanned(pages: Sequence[OcrPage]) -> ExtractedText:
    """What OCR read on the pages of a scanned PDF → cleaned text."""
    return extract.extract_scanned(pages)


def image_sources(data: bytes) -> list[str]:
    """The <img> sources of a web page, for OCR to read."""
    return extract.html_image_sources(data)


_MARKDOWN_SUFFIXES = (".md", ".markdown")
_WORD_97_SUFFIXES = (".doc", ".wps")


def input_format(extracted: ExtractedText, file_name: str) -> str:
    """The contract's ``input_format`` of a document: the container it was
    read from (``html``, ``pdf``, ``docx``, ``doc``, ``markdown``, ``text``).
    Sniffed content decides the container; the name only tells Markdown
    from plain text, and a Word 97 file (converted to DOCX before reading)
    from a DOCX."""
    name = (file_name or "").lower()
    if extracted.kind == "docx" and name.endswith(_WORD_97_SUFFIXES):
        return "doc"
    if extracted.kind == "text" and name.endswith(_MARKDOWN_SUFFIXES):
        return "markdown"
    return extracted.kind


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


def derive_facts(
    text: str, report_sections: list[Section], doc_kind: str, origins: dict[int, tuple[str, ...]] | None = None
) -> DocumentFacts:
    """Tables and prose figures of one report.

    A blank template (doc_kind ``other``) yields no table facts: its empty
    cells must never be stored as a report of zeros.
    """
    figures = [_fitted(f) for f in narrative.extract_figures(text, report_sections) if _storable(f.value)]
    # Exact prose figures may choose among the splits of a flattened crawler
    # run that satisfy every table rule -- never override a table value.
    hints = {f.metric: f.value for f in figures if f.metric and f.qualifier == "exact"}
    table_result = tables.extract_tables(text, hints, origins) if doc_kind != "other" else TablesResult()
    ocr_vetting.vet(table_result)  # tables read by OCR: published only when their identities hold
    n_active, n_requests, n_review = narrative.figures_to_facts(figures, text)
    return DocumentFacts(
        tables=_bounded(table_result),
        figures=figures,
        narrative_active=n_active,
        narrative_requests=n_requests,
        narrative_review=n_review,
    )


def _storable(value: Decimal | int | None) -> bool:
    return value is None or abs(value) < MAX_VALUE


def _fitted(fact):  # noqa: ANN001, ANN202 (any record with a `value`)
    """The record with its Decimal value rounded to 6 places when it has more."""
    value = fact.value
    if isinstance(value, Decimal) and value.as_tuple().exponent < -6:
        return replace(fact, value=value.quantize(_PLACES))
    return fact


def _bounded(result: TablesResult) -> TablesResult:
    """Table values past MAX_VALUE become None, each with an issue naming the
    cell: blocking ``bad_value`` for tables 二-四 (the report is quarantined,
    like any cell that is no usable number), ``legacy_bad_value`` for the
    pre-2019 statistics, whose issues never block. Other values are rounded
    to 6 places."""
    issues: list[ParseIssue] = []

    def cap(fact):  # noqa: ANN001, ANN202 (ActiveFact | RequestFact | ReviewFact)
        if _storable(fact.value):
            return _fitted(fact)
        issues.append(ParseIssue(
            "bad_value", f"row {fact.ref.row_label!r}: cell {fact.ref.raw!r} is beyond any report's figure "
            f"(|value| >= {MAX_VALUE:.0e}); not stored", table=fact.ref.table,
        ))
        return replace(fact, value=None)

    def cap_legacy(stat: LegacyStat) -> LegacyStat:
        if _storable(stat.value):
            return _fitted(stat)
        issues.append(ParseIssue(
            "legacy_bad_value", f"row {stat.indicator!r}: cell {stat.raw!r} is beyond any report's figure; not stored",
            blocking=False, table=LEGACY_TABLE,
        ))
        return replace(stat, value=None)

    capped = replace(
        result,
        active=[cap(f) for f in result.active],
        requests=[cap(f) for f in result.requests],
        review=[cap(f) for f in result.review],
        legacy=[cap_legacy(s) for s in result.legacy],
    )
    capped.issues = result.issues + issues
    return capped
