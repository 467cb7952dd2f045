"""Table 四 (行政复议、行政诉讼情况) → `ReviewFact`s.

The table has one data row of 15 cells under a three-level header. The
header is only used to make sure the table is the one we know -- it must
name 行政复议, 未经复议直接起诉 and 复议后起诉 in that order -- and the 15
values are then read in the format's column order. Any other number of
values is reported and nothing is stored: a shifted row would put a
litigation count under review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from transforms import codes
from transforms.model import CellRef, ParseIssue, ReviewFact

from .cells import LINES, Document, RawRow
from .grid import Columns, column_texts, right_edge_columns, values_at
from .labels import (
    is_review_anchor,
    is_section_heading,
    parse_label,
    review_header_ok,
)
from .values import read_count

TABLE = "review_litigation"
PROCEEDING_LABELS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼/未经复议直接起诉",
    "litigation_after_review": "行政诉讼/复议后起诉",
}
OUTCOME_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
assert tuple(PROCEEDING_LABELS) == codes.PROCEEDINGS and tuple(OUTCOME_LABELS) == codes.OUTCOMES
COLUMNS: tuple[tuple[str, str], ...] = tuple((p, o) for p in codes.PROCEEDINGS for o in codes.OUTCOMES)
# The longest header cell is "未经复议直接起诉" (8); a longer label is prose.
_MAX_HEADER_CELL = 20
_MAX_TABLE_CELLS = 80  # non-blank lines: header cells + 15 values, one per line


@dataclass
class ReviewRows:
    """Table 四 as read: header text, the data row's value cells, its label,
    and the rows themselves (for reading the data row by the grid)."""

    header: str
    values: tuple[str, ...]
    row_label: str
    header_cells: list[tuple[str, ...]] = field(default_factory=list)
    data_rows: list[RawRow] = field(default_factory=list)


_MAX_HEADER_WORD = 8  # "未经复议直接起诉"


def _header_words(raw: str) -> bool:
    """A long line of short space-separated words is the header's cells printed on one line
    (a PDF's text layer without ruling lines: "果维持 果纠正 他结果 未审结 计 结 结 …"), not prose."""
    words = raw.split()
    return len(words) >= 3 and all(len(w) <= _MAX_HEADER_WORD for w in words)


def read_review_rows(rows: Iterable[RawRow]) -> ReviewRows:
    """Rows (any layout) → header text, value cells, row label as written.

    Header labels run until the first value cell; the data row(s) are the
    value cells that follow, up to the next label. A heading or a paragraph
    of prose before any value ends the table: it was printed empty.
    """
    header: list[str] = []
    header_cells: list[tuple[str, ...]] = []
    data_rows: list[RawRow] = []
    values: list[str] = []
    row_label = ""
    for row in rows:
        if values:
            if row.labels:
                break
            values.extend(row.values)
            data_rows.append(row)
            continue
        stop = False
        for raw in row.labels:
            label = parse_label(raw)
            if header and (is_section_heading(label) or (len(label.norm) > _MAX_HEADER_CELL and not _header_words(raw))):
                stop = True
                break
            header.append(label.norm)
            row_label = raw
        if stop:
            break
        if row.has_values:
            values.extend(row.values)
            data_rows.append(row)
            if not row.labels:
                row_label = ""
        elif row.cells is not None:
            header_cells.append(row.cells)
    return ReviewRows("".join(header), tuple(values), row_label, header_cells, data_rows)


def grid_values(read: ReviewRows, issues: list[ParseIssue]) -> tuple[tuple[str, ...], tuple[str | None, ...] | None]:
    """The data row's 15 cells by the table's grid when counting cells fails.

    A data row that leaves cells at its edge blank (复议后起诉 all blank)
    has fewer than 15 non-empty-bounded cells; in a grid its cells are read
    at the 15 columns ending at the table's right edge (header lines
    included), if the row fits them.
    """
    if len(read.values) == len(COLUMNS) or len(read.data_rows) != 1:
        return read.values, _counted_locations(read)
    row = read.data_rows[0]
    columns = _outcome_columns(read, row) or right_edge_columns([row], len(COLUMNS), read.header_cells, labelled=False)
    fixed = values_at(row, columns)
    if fixed is None or columns is None:
        return read.values, _counted_locations(read)
    issues.append(
        ParseIssue(
            "row_aligned_by_grid",
            f"表四 data row: cells read by the table's columns (header meaning, else its right edge): {list(fixed)}",
            blocking=False,
            table=TABLE,
        )
    )
    return fixed, row.locations_of(columns.index)


_OUTCOME_RE = re.compile(r"维持|纠正|其他结果|尚未审结|总计")


def _outcome_columns(read: ReviewRows, row: RawRow) -> Columns | None:
    """The 15 columns whose header names an outcome (结果维持 … 总计), left to
    right: by header meaning, so that an empty spacer column a converter
    inserted between the blocks (under 行政诉讼) is never taken for a value."""
    if row.cells is None:
        return None
    width = max([len(row.cells)] + [len(c) for c in read.header_cells])
    index = tuple(j for j, text in enumerate(column_texts(read.header_cells, width)) if _OUTCOME_RE.search(text))
    return Columns(index, width, "header") if len(index) == len(COLUMNS) else None


def _counted_locations(read: ReviewRows) -> tuple[str | None, ...] | None:
    locs: list[str | None] = []
    for row in read.data_rows:
        if row.value_locations is None or len(row.value_locations) != len(row.values):
            return None
        locs.extend(row.value_locations)
    return tuple(locs) if len(locs) == len(read.values) else None


def parse_review(
    header: str,
    values: tuple[str, ...],
    issues: list[ParseIssue],
    row_label: str = "",
    locations: tuple[str | None, ...] | None = None,
) -> tuple[list[ReviewFact], bool]:
    """(header, values) → (facts, found). The entry point for new layouts."""
    if not review_header_ok(header):
        if "复议后起诉" in header or "直接起诉" in header:
            issues.append(
                ParseIssue(
                    "header_unverified",
                    f"表四 header {header!r} does not name 行政复议, 未经复议直接起诉, 复议后起诉 in that "
                    "order; values not read",
                    table=TABLE,
                )
            )
            return [], True
        return [], False
    if values and len(values) != len(COLUMNS):
        issues.append(
            ParseIssue(
                "table_row_misaligned",
                f"表四 data row: {len(values)} value cells {list(values)} for {len(COLUMNS)} columns; "
                "not stored",
                table=TABLE,
            )
        )
        return [], True
    if not values:
        issues.append(
            ParseIssue("blank_row", "表四: the data row is blank (stored as NULL)", blocking=False, table=TABLE)
        )
        values = ("",) * len(COLUMNS)
    label = row_label or "(数据行)"
    facts = []
    if locations is None or len(locations) != len(values):
        locations = (None,) * len(values)
    for (proceeding, outcome), raw, location in zip(COLUMNS, values, locations):
        value, bad = read_count(raw)
        if bad:
            issues.append(
                ParseIssue(
                    "bad_value",
                    f"表四 {PROCEEDING_LABELS[proceeding]}/{OUTCOME_LABELS[outcome]}: cell {raw!r} is not a "
                    "count; stored as NULL",
                    table=TABLE,
                )
            )
        column = f"{PROCEEDING_LABELS[proceeding]}/{OUTCOME_LABELS[outcome]}"
        facts.append(ReviewFact(proceeding, outcome, value, CellRef(TABLE, label, column, raw, location)))
    return facts, True


def find_review_anchors(doc: Document) -> list[int]:
    """Lines holding the table's first header cell "行政复议"."""
    out = []
    for i, line in enumerate(doc.lines):
        if "复" not in line:
            continue
        cells = doc.cells(i)
        # A converter may cut the cell itself: "行政复|议".
        if any(c and is_review_anchor(c) for c in cells) or is_review_anchor("".join(cells)[:8]):
            out.append(i)
    return out


def extract_review(doc: Document, issues: list[ParseIssue]) -> tuple[list[ReviewFact], bool]:
    """Table 四 of the document → (facts, found); a repeat must agree."""
    facts: list[ReviewFact] = []
    found = False
    for anchor in find_review_anchors(doc):
        # The table is four lines: the prose after it must not outvote its
        # layout. A header line with cells is a grid.
        layout = LINES if len(doc.cells(anchor)) > 1 else None
        read = read_review_rows(doc.rows(anchor, doc.advance(anchor, _MAX_TABLE_CELLS), layout))
        local: list[ParseIssue] = []
        values, locations = grid_values(read, local) if review_header_ok(read.header) else (read.values, None)
        table_facts, seen = parse_review(read.header, values, local, read.row_label, locations)
        if not seen:
            continue
        if not found:
            facts, found = table_facts, True
            issues.extend(local)
        elif [f.value for f in table_facts] != [f.value for f in facts]:
            issues.append(
                ParseIssue(
                    "conflicting_values",
                    f"表四 appears again at line {anchor + 1} with different values; the first table is kept",
                    table=TABLE,
                )
            )
    return facts, found

