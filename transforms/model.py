"""Plain data passed between the transform stages.

Stages hand each other these records (never Dagster or DuckDB objects), so
every transform is a pure function testable on a string. Offsets always
refer to the cleaned text of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class TransformError(Exception):
    """A document-level failure with a stable code for `load_errors`.

    `code` is short and stable (``empty_file``, ``undecodable`` ...) so that
    maintainers can count failures by kind; `message` says what was seen.
    """

    stage = "transform"

    def __init__(self, code: str, message: str, stage: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if stage is not None:
            self.stage = stage


@dataclass(frozen=True)
class ExtractedText:
    """Text taken out of a file: the cleaned text and how it was read."""

    text: str
    encoding: str  # e.g. "utf-8", "gb18030", "utf-16", "pdf", "docx"
    kind: str  # "text", "html", "pdf", "docx"
    # Line of `text` → the container's location of each cell on it
    # (`transforms.locations`); empty for text inputs.
    origins: dict[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportMetadata:
    agency: str | None
    region: str | None
    admin_level: str  # one of codes.ADMIN_LEVELS
    report_year: int | None
    published_on: date | None
    doc_kind: str  # one of codes.DOC_KINDS
    format_version: str  # one of codes.FORMAT_VERSIONS
    title: str | None = None


@dataclass(frozen=True)
class Section:
    section: str  # one of codes.SECTIONS
    heading: str  # as written
    body: str  # text between this heading and the next, stripped
    start_offset: int  # offset of the heading's first character
    end_offset: int  # offset just past the body


@dataclass(frozen=True)
class CellRef:
    """Where a table value was read: enough for a maintainer to find it."""

    table: str  # "active_disclosure" / "requests" / "review_litigation"
    row_label: str  # the row label as written (cleaned)
    column_label: str  # the column header as understood
    raw: str  # the raw cell text ("", "-", "251000元", "0")
    # Where the cell is in the source: "pdf p3 (x0,top,x1,bottom)", "html table
    # 2 row 7 col 4", "docx table 1 row 5 col 3" or "text chars 1520–1523".
    location: str | None = None

    @property
    def page(self) -> int | None:
        """The PDF page of the cell, else None."""
        loc = self.location
        if loc is None or not loc.startswith("pdf p"):
            return None
        digits = loc[5:].split(" ", 1)[0]
        return int(digits) if digits.isdigit() else None


@dataclass(frozen=True)
class ActiveFact:
    item: str
    metric: str
    value: Decimal | None  # None = blank cell
    unit: str | None  # "件", "万元", "元", ... None when unknown
    ref: CellRef


@dataclass(frozen=True)
class RequestFact:
    row_code: str
    applicant: str
    value: int | None
    ref: CellRef


@dataclass(frozen=True)
class ReviewFact:
    proceeding: str
    outcome: str
    value: int | None
    ref: CellRef


@dataclass(frozen=True)
class ParseIssue:
    """Something the parser was unsure of. `blocking` issues quarantine the report."""

    code: str
    message: str
    blocking: bool = True
    table: str | None = None
    # An undecided flattened run keeps what the report allows, so that a
    # neighbouring year can decide it later (transforms.crossyear): the fact
    # codes of its cells ("active_disclosure.normative_documents.issued") and
    # every reading that fits the report's own rules, as cell texts.
    cells: tuple[str, ...] = ()
    readings: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LegacyStat:
    """A row of a pre-2019 local statistics table (指标名称 | 计量单位 | 本年度 | 历年累计)."""

    indicator: str  # row label as written, cleaned
    unit: str | None  # 条, 件 ... from the 计量单位 column
    period: str  # "year" (本年度) or "cumulative" (历年累计)
    value: Decimal | None  # None = blank or undecidable
    raw: str  # raw cell text, or the digit run it was solved from


@dataclass
class TablesResult:
    active: list[ActiveFact] = field(default_factory=list)
    requests: list[RequestFact] = field(default_factory=list)
    review: list[ReviewFact] = field(default_factory=list)
    found: set[str] = field(default_factory=set)  # tables present: "active_disclosure", "requests", "review_litigation"
    request_variant: str | None = None  # "2021" (three 其他处理 rows) or "2019" (single row)
    issues: list[ParseIssue] = field(default_factory=list)
    legacy: list[LegacyStat] = field(default_factory=list)  # pre-2019 statistics tables


@dataclass(frozen=True)
class Figure:
    """A number stated in the prose."""

    section: str | None
    value: Decimal
    unit: str
    qualifier: str  # exact / approx / at_least
    phrase: str  # the clause it was read from
    start_offset: int  # offsets of the number+unit in the cleaned text
    end_offset: int
    metric: str | None  # e.g. "requests.new_received.total"
