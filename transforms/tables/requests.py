"""Table 三 (收到和处理政府信息公开申请情况) → `RequestFact`s.

Rows are found by the meaning of their labels (labels.classify_request),
with the (三)-(六) group in force carried from row to row, because many
reports print a group label only on the first row of its group. Values are
mapped to the seven applicant columns only when a row has exactly seven
value cells once the layout's empty cells at both ends are dropped; any
other count is reported, never guessed.

Variants: the 2019 format (and some later reports) print (六)其他处理 as
one row with its own values → ``other_handling``, ``request_variant="2019"``;
with its three sub-rows → ``"2021"``. A group row with values *and* its
sub-rows is a subtotal: parsed, reported, not stored (rule T3-05).
"""

from __future__ import annotations

from collections.abc import Iterable
import re
from collections import Counter
from dataclasses import dataclass, field

from transforms import codes
from transforms.model import CellRef, ParseIssue, RequestFact

from .cells import LINES, Document, RawRow
from .grid import Columns, agrees_with_counted_rows, compacted, header_columns, right_edge_columns, values_at
from .labels import (
    GROUP_OF,
    Label,
    classify_request,
    expand_label,
    is_section_heading,
    split_fused,
    norm,
    parse_label,
)
from .values import is_label_cell, read_count

TABLE = "requests"
APPLICANT_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
assert tuple(APPLICANT_LABELS) == codes.APPLICANTS
_N = len(codes.APPLICANTS)
_GROUP_NAMES = {"denied": "(三)不予公开", "unable": "(四)无法提供", "rejected": "(五)不予处理", "other": "(六)其他处理"}
_HEADER_HINTS = ("勾稽", "申请人", "自然人", "法人或其他组织", "商业企业", "科研机构")
_HEADER_LOOKBACK = 60  # lines, blank ones included
_MAX_TABLE_CELLS = 400  # non-blank lines: 25 rows x 8 cells one per line, plus header
_MIN_ROWS = 2  # fewer recognised rows than this: a heading in the prose, not the table


@dataclass
class Entry:
    """One labelled row of the table, before its values are mapped."""

    kind: str  # "row", "group" (a (三)-(六) label with values) or "unknown"
    code: str | None
    label: str
    values: tuple[str, ...]
    row: RawRow | None
    joined: bool = False


@dataclass
class RequestRows:
    """The rows of one table 三, as read (see `read_request_rows`)."""

    header: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    orphans: list[RawRow] = field(default_factory=list)  # values with no label
    last_line: int = -1


def read_request_rows(rows: Iterable[RawRow]) -> RequestRows:
    """Walk rows (any layout) from the header to 四、结转下年度继续办理.

    Labels before 一、本年新收 are header. Within a row's labels, group
    labels set the context, row labels name rows; when one label run names
    several rows (stream layout, blank rows), only the last gets the values.
    An unnumbered unknown label right after a row label is a wrapped piece
    of it. The walk stops at a heading that cannot belong to the table.
    """
    out = RequestRows()
    started = False
    group: str | None = None
    for row in rows:
        if started and out.entries and out.entries[-1].kind in ("row", "unknown"):
            prev = out.entries[-1]
            piece = _wrapped_piece(row, group, prev.kind == "unknown", not prev.values)
            if piece is not None:
                group = _continue_label(prev, piece, group)
                if row.has_values:
                    # The label's tail carries the row's cells: "(六)1.申请人无正当理由…"
                    # on one line, "其政府信息公开申请 | 0 | 2 | …" on the next.
                    prev.values, prev.row = row.values, row
                    out.last_line = max(out.last_line, row.line)
                continue
        targets: list[Entry] = []
        stop = False
        for raw in row.labels:
            for label in split_fused(raw):
                if targets and targets[-1].code == "carried_forward":
                    stop = True  # the last row had no values; what follows is not the table
                    break
                cls = classify_request(label, group)
                if not started:
                    if cls.kind == "row" and cls.code == "new_received":
                        started = True
                    else:
                        out.header.append(label.norm)
                        continue
                if cls.kind == "end":
                    stop = True
                    break
                if cls.kind == "context":
                    group = None
                elif cls.kind == "group":
                    group = cls.code
                    targets.append(Entry("group", cls.code, raw, (), row))
                elif cls.kind == "row":
                    group = GROUP_OF.get(cls.code or "")
                    targets.append(Entry("row", cls.code, _shown(raw, label), (), row))
                elif targets and targets[-1].kind == "row" and not label.numbering:
                    targets[-1].label += label.raw
                    targets[-1].joined = True
                else:
                    targets.append(Entry("unknown", None, raw, (), row))
            if stop:
                break
        if not started:
            continue
        out.last_line = max(out.last_line, row.line)
        if targets and row.has_values and not stop:
            targets[-1].values = row.values
        elif not targets and row.has_values and not stop:
            out.orphans.append(row)
        for entry in targets:
            # (六)其他处理 without cells is kept: in the 2019 form it is the
            # single row, printed blank.
            if entry.kind == "row" or entry.values or (entry.kind == "group" and entry.code == "other"):
                out.entries.append(entry)
        if stop or any(e.code == "carried_forward" for e in targets):
            break
    return out


def _wrapped_piece(row: RawRow, group: str | None, unfinished: bool, awaits_values: bool) -> str | None:
    """The text of a line that only continues the row above's label, or None.

    A PDF cell whose label wraps over lines the table finder did not keep
    in the cell ("2.其他法" / "律行政" / "法规禁" / "止公开") leaves label-only
    lines of unnumbered fragments that mean nothing alone. After a label
    that is still unknown (``unfinished``), a fragment that happens to hold
    a keyword ("确认或") continues it too; a group label never does. A
    fragment with cells continues a row above that has none
    (``awaits_values``): the cells were printed beside the label's tail.
    """
    if not row.labels or (row.has_values and not awaits_values):
        return None
    pieces = []
    for raw in row.labels:
        for label in split_fused(raw):
            kind = classify_request(label, group).kind
            if label.numbering or kind in ("group", "end", "context") or (kind == "row" and not unfinished):
                return None
            pieces.append(label.norm)
    return "".join(pieces)


def _continue_label(entry: Entry, piece: str, group: str | None) -> str | None:
    """Append a wrapped fragment to ``entry``'s label; an unknown entry is
    classified again on the whole label. Returns the group in force."""
    entry.label += piece
    entry.joined = True
    if entry.kind == "unknown":
        cls = classify_request(parse_label(norm(entry.label)), group)
        if cls.kind == "row":
            entry.kind, entry.code = "row", cls.code
            return GROUP_OF.get(cls.code or "", group)
    return group


def _shown(raw: str, label: Label) -> str:
    """The label as written; the remainder when a group prefix was split off."""
    return raw if norm(raw) == label.norm else label.raw


# The applicant columns by header meaning (each column's header cells
# joined); the spanning group names are taken out first, since
# "法人或其他组织" would otherwise match 其他.
_APPLICANT_SLOTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("natural_person", re.compile(r"自然人")),
    ("commercial", re.compile(r"商业")),
    ("research", re.compile(r"科研")),
    ("social_welfare", re.compile(r"公益")),
    ("legal_services", re.compile(r"法律服务")),
    ("other_org", re.compile(r"^其[他它]")),
    ("total", re.compile(r"总计|合计")),
)
_SPANNING_HEADERS = re.compile(r"法人或其[他它]组织|申请人情况")


def request_columns(header_lines: list[list[str]], rows: list[RawRow]) -> Columns | None:
    """The seven applicant columns of a table read as a grid, or None.

    Decided by the rows themselves first: where at least `_MIN_COMPLETE`
    rows print all seven cells, the column their cells start at must be the
    same for `_MIN_AGREEMENT` of them (a Word export may shift a row or
    two; ragged hand-typed text, whose rows start anywhere, is no grid).
    With fewer complete rows (a table of mostly blank cells), the header
    must name the seven columns, or every row must have the same number of
    cells (a rendered grid) for the block to be counted from its right edge.
    """
    grid_rows = [r for r in rows if r.cells is not None]
    if not grid_rows:
        return None
    width = max(len(r.cells) for r in grid_rows)  # type: ignore[arg-type]
    by_header = header_columns(header_lines, width, _APPLICANT_SLOTS, _SPANNING_HEADERS)
    complete = [r for r in grid_rows if len(r.values) == _N]
    if len(complete) >= _MIN_COMPLETE:
        starts = Counter(_value_start(r) for r in complete)
        start, n = starts.most_common(1)[0]
        if n < _MIN_AGREEMENT * len(complete):
            return None
        by_rows = Columns(tuple(range(start, start + _N)), width, "rows")
        return by_header if by_header is not None and by_header.index == by_rows.index else by_rows
    if by_header is not None:
        return agrees_with_counted_rows(by_header, complete, _N)
    if len({len(r.cells) for r in grid_rows}) == 1:  # type: ignore[arg-type]
        return agrees_with_counted_rows(right_edge_columns(grid_rows, _N, header_lines), complete, _N)
    return None


_MIN_COMPLETE = 3
_MIN_AGREEMENT = 0.75


def _value_start(row: RawRow) -> int:
    """The grid column of a complete row's first value cell."""
    assert row.cells is not None
    j = row.label_end + 1
    while j < len(row.cells) and not row.cells[j]:
        j += 1
    return j


_TWO_NUMBERS_RE = re.compile(r"^(\d+)\s+(\d+)$")


def _unmerged(values: tuple[str, ...]) -> tuple[str, ...]:
    """A row short of cells by exactly as many cells as hold two numbers
    ("0 0": a converter merged two columns) gets those cells split. A second
    number of exactly three digits may be a thousands group ("1 234"): such
    a cell is left alone and the row stays short."""
    if len(values) >= _N:
        return values
    pairs = [_TWO_NUMBERS_RE.match(v.strip()) for v in values]
    if sum(1 for m in pairs if m) != _N - len(values) or any(m and len(m.group(2)) == 3 for m in pairs):
        return values
    out: list[str] = []
    for v, m in zip(values, pairs):
        out.extend([m.group(1), m.group(2)] if m else [v])
    return tuple(out)


def _unmerged_locations(e: Entry, values: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """The locations of ``values`` (`_unmerged` of the entry's cells): a
    split cell's two values share the cell's location."""
    locs = e.row.value_locations if e.row is not None else None
    if locs is None or len(locs) != len(e.values):
        return None
    if len(values) == len(e.values):
        return locs
    out: list[str | None] = []
    for v, loc in zip(e.values, locs):
        out.extend([loc, loc] if _TWO_NUMBERS_RE.match(v.strip()) else [loc])
    return tuple(out) if len(out) == len(values) else None


def _row_facts(
    code: str,
    label: str,
    values: tuple[str, ...],
    issues: list[ParseIssue],
    locations: tuple[str | None, ...] | None = None,
) -> list[RequestFact]:
    facts = []
    locs = locations if locations is not None and len(locations) == len(values) else (None,) * len(values)
    for applicant, raw, location in zip(codes.APPLICANTS, values, locs):
        value, bad = read_count(raw)
        column = APPLICANT_LABELS[applicant]
        if bad:
            issues.append(
                ParseIssue(
                    "bad_value",
                    f"表三 row {label!r} column {column}: cell {raw!r} is not a count; stored as NULL",
                    table=TABLE,
                )
            )
        facts.append(RequestFact(code, applicant, value, CellRef(TABLE, label, column, raw, location)))
    return facts


def resolve_request_rows(
    read: RequestRows, issues: list[ParseIssue], columns: Columns | None = None
) -> tuple[list[RequestFact], str | None]:
    """Mapped rows → facts and the (六) variant; every doubt becomes an issue.

    A row whose cell count is not seven is read by ``columns`` (the table's
    grid, `request_columns`) when it fits them -- blank cells at its edges
    are blanks in their columns -- and reported as misaligned otherwise.
    """
    entries = _place_by_order(read.entries, issues)
    row_codes = {e.code for e in entries if e.kind == "row"}
    rows: list[Entry] = []
    for e in entries:
        if e.kind == "unknown":
            issues.append(
                ParseIssue(
                    "unknown_row",
                    f"表三 row {e.label!r} with cells {list(e.values)} matches no row of the format; "
                    "not stored",
                    table=TABLE,
                )
            )
        elif e.kind == "group":
            has_items = any(GROUP_OF.get(c or "") == e.code for c in row_codes)
            if has_items and not e.values:
                continue  # the group's own label line above its items
            if has_items:
                issues.append(
                    ParseIssue(
                        "subtotal_row",
                        f"表三 subtotal row {e.label!r} {list(e.values)} read but not stored (T3-05)",
                        blocking=False,
                        table=TABLE,
                    )
                )
            elif e.code == "other":
                rows.append(Entry("row", codes.OTHER_ROW_SINGLE, e.label, e.values, e.row))
            else:
                issues.append(
                    ParseIssue(
                        "group_row_unmapped",
                        f"表三 {_GROUP_NAMES[e.code or '']} printed as one row {list(e.values)} without its "
                        "items: the contract has no code for it; not stored",
                        table=TABLE,
                    )
                )
        else:
            rows.append(e)
    for orphan in read.orphans:
        issues.append(
            ParseIssue(
                "values_without_label",
                f"表三 line {orphan.line + 1}: cells {list(orphan.after_label)} have no row label; not stored",
                table=TABLE,
            )
        )

    blanks: list[str] = []
    by_code: dict[str, list[RequestFact]] = {}
    for e in rows:
        assert e.code is not None
        if e.joined:
            issues.append(
                ParseIssue(
                    "label_fragment_joined",
                    f"表三 row label read across cells as {e.label!r}",
                    blocking=False,
                    table=TABLE,
                )
            )
        values = _unmerged(e.values)
        locations = _unmerged_locations(e, values)
        if not values:
            blanks.append(e.label)
            values = ("",) * _N
        elif len(values) != _N:
            fixed = values_at(e.row, columns) if e.row is not None else None
            how = "blank cells at the row's edge placed by the table grid"
            if fixed is not None and e.row is not None and columns is not None:
                locations = e.row.locations_of(columns.index)
            else:
                fixed = compacted(values, _N)
                how = "empty spacer cells between the values dropped"
                if fixed is not None and locations is not None:
                    locations = tuple(loc for v, loc in zip(values, locations) if v.strip())
            if fixed is None:
                seen = list(e.row.after_label) if e.row is not None else list(values)
                issues.append(
                    ParseIssue(
                        "table_row_misaligned",
                        f"表三 row {e.label!r}: {len(values)} value cells {list(values)} for {_N} applicant "
                        f"columns (cells seen after the label: {seen}); row not stored",
                        table=TABLE,
                    )
                )
                continue
            issues.append(
                ParseIssue(
                    "row_aligned_by_grid",
                    f"表三 row {e.label!r}: {how}: {list(fixed)}",
                    blocking=False,
                    table=TABLE,
                )
            )
            values = fixed
        facts = _row_facts(e.code, e.label, values, issues, locations)
        prev = by_code.get(e.code)
        if prev is None or all(f.value is None for f in prev):
            by_code[e.code] = facts
        elif not all(f.value is None for f in facts) and [f.value for f in facts] != [f.value for f in prev]:
            issues.append(
                ParseIssue(
                    "conflicting_values",
                    f"表三 row {e.code} is given twice with different values: "
                    f"{[f.ref.raw for f in prev]} and {[f.ref.raw for f in facts]}; the first is kept",
                    table=TABLE,
                )
            )

    if blanks:
        issues.append(
            ParseIssue(
                "blank_row",
                f"表三 rows with every cell blank (stored as NULL): {blanks}",
                blocking=False,
                table=TABLE,
            )
        )
    variant = None
    if codes.OTHER_ROW_SINGLE in by_code:
        variant = "2019"
    elif any(c in by_code for c in codes.OTHER_ROWS_2021):
        variant = "2021"
    expected = codes.REQUEST_ROWS_2019 if variant == "2019" else codes.REQUEST_ROWS_2021
    missing = [c for c in expected if c not in by_code]
    if missing:
        issues.append(
            ParseIssue(
                "rows_missing",
                f"表三: no row found for {missing}; a half-read table is never published as whole",
                table=TABLE,
            )
        )
    ordered = [f for c in codes.REQUEST_ROW_CODES if c in by_code for f in by_code[c]]
    return ordered, variant


def _place_by_order(entries: list[Entry], issues: list[ParseIssue]) -> list[Entry]:
    """Unknown rows placed by the form's row order, where the order leaves no choice.

    A label that matches no row (an OCR misreading, a typo the keywords do
    not cover) between two recognised rows takes the one form row between
    them that is still missing -- only when exactly one is missing there and
    the unknown is the only unknown in that gap; otherwise it stays unknown
    and blocks. Each placement is reported (``row_placed_by_order``).
    """
    if not any(e.kind == "unknown" for e in entries):
        return entries
    seen = {e.code for e in entries if e.kind == "row"}
    order = {code: k for k, code in enumerate(codes.REQUEST_ROWS_2021)}
    known = [k for k, e in enumerate(entries) if e.kind == "row" and e.code in order]
    out = list(entries)
    for k, e in enumerate(entries):
        if e.kind != "unknown":
            continue
        before = max((j for j in known if j < k), default=None)
        after = min((j for j in known if j > k), default=None)
        if before is None or after is None:
            continue
        if any(entries[j].kind == "unknown" for j in range(before + 1, after) if j != k):
            continue
        lo, hi = order[entries[before].code], order[entries[after].code]
        gap = [c for c in codes.REQUEST_ROWS_2021[lo + 1 : hi] if c not in seen]
        if hi <= lo or len(gap) != 1 or hi - lo - 1 != 1:
            continue
        code = gap[0]
        seen.add(code)
        out[k] = Entry("row", code, e.label, e.values, e.row, e.joined)
        issues.append(
            ParseIssue(
                "row_placed_by_order",
                f"表三 row {e.label!r} matches no label of the form; it stands where the form has {code} "
                f"(between {entries[before].code} and {entries[after].code}) and is read as that row",
                blocking=False,
                table=TABLE,
            )
        )
    return out


def _check_header(header: list[str], issues: list[ParseIssue]) -> None:
    text = "".join(header)
    missing = [name for name in APPLICANT_LABELS.values() if name not in text]
    if missing:
        issues.append(
            ParseIssue(
                "header_unverified",
                f"表三 header does not name {missing}; columns assumed in the format's order",
                blocking=False,
                table=TABLE,
            )
        )


def find_request_anchors(doc: Document) -> list[int]:
    """Lines whose label cell is the 一、本年新收… row (not prose mentioning it)."""
    out = []
    for i, line in enumerate(doc.lines):
        if "新收" not in line:
            continue
        for cell in doc.cells(i):
            if not cell or not is_label_cell(cell):
                continue
            labels = expand_label(cell)
            if any(
                len(lab.core) <= 30 and classify_request(lab, None).code == "new_received" for lab in labels
            ):
                out.append(i)
            break
    return out


def _header_start(doc: Document, anchor: int) -> int:
    """First line of the header block above the 本年新收 row (for the column check).

    Looks back at most `_HEADER_LOOKBACK` lines and never past a heading or
    a table-二 caption, so prose above the table is not taken as header.
    """
    start = anchor
    for i in range(anchor - 1, max(-1, anchor - _HEADER_LOOKBACK), -1):
        line = doc.lines[i]
        first = next((c for c in doc.cells(i) if c), "") if line.strip() else ""
        if first and (is_section_heading(parse_label(first)) or "二十条" in first):
            break
        if any(h in line for h in _HEADER_HINTS):
            start = i
    return start


def extract_requests(
    doc: Document, issues: list[ParseIssue]
) -> tuple[list[RequestFact], str | None, bool]:
    """Table 三 of the document → (facts, variant, found).

    A repeat of the table later in the file (a page printed twice) is read
    too: identical values are dropped, different ones are a blocking issue.
    """
    facts: list[RequestFact] = []
    variant: str | None = None
    found = False
    done_until = -1
    for anchor in find_request_anchors(doc):
        if anchor <= done_until:
            continue
        start = _header_start(doc, anchor)
        end = doc.advance(anchor, _MAX_TABLE_CELLS)
        read = read_request_rows(doc.rows(start, end))
        # Rows with cells after their label: prose that happens to name a
        # row ("本年新收…情况" as a sub-heading) has none.
        distinct = {e.code for e in read.entries if e.kind == "row" and e.row and e.row.after_label}
        if len(distinct) < _MIN_ROWS:
            continue
        done_until = max(read.last_line, anchor)
        local: list[ParseIssue] = []
        if not found:
            _check_header(read.header, local)
        columns = None
        if doc.layout(start, end) == LINES:
            header_lines = [doc.cells(i) for i in range(start, anchor) if not doc.is_blank(i)]
            columns = request_columns(header_lines, [e.row for e in read.entries if e.row is not None])
        table_facts, table_variant = resolve_request_rows(read, local, columns)
        if not found:
            facts, variant, found = table_facts, table_variant, True
            issues.extend(local)
            continue
        if [(f.row_code, f.applicant, f.value) for f in table_facts] != [
            (f.row_code, f.applicant, f.value) for f in facts
        ]:
            issues.append(
                ParseIssue(
                    "conflicting_values",
                    f"表三 appears again at line {anchor + 1} with different values; the first table is kept",
                    table=TABLE,
                )
            )
    return facts, variant, found
