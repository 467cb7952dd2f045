"""Table 二 (主动公开政府信息情况, Article 20 items) → `ActiveFact`s.

The table is a series of sub-tables, each under a caption "第二十条第(X)项".
Columns are read from each sub-table's own header text (metric keywords in
order), rows from their labels -- so the 2019 and 2021 formats, and reports
that mix them, need no format switch.

Units (a convention, also stated in the docstring of ``transforms.tables``):
document and decision counts (制发/废止/现行有效/新制作/新公开/对外公开总数量,
处理决定数量) are "件"; the 2019 item counts (上一年项目数量, 本年增/减,
采购项目数量) count 项目 and carry ``unit=None`` -- the format prints no
unit for them; amounts take the unit the header states ("单位:万元") or,
failing that, the one written in the cell ("251000元"), else None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from itertools import chain

from transforms.model import ActiveFact, CellRef, ParseIssue

from .cells import Document, RawRow
from .grid import Columns, agrees_with_counted_rows, column_texts, compacted, values_at
from .labels import (
    ACTIVE_ITEMS,
    MAX_LABEL_CHARS,
    METRIC_LABELS,
    active_item,
    expand_label,
    find_metrics,
    header_money_unit,
    is_section_heading,
    norm,
    parse_label,
)
from .values import MONEY_UNITS, parse_cell, read_count

TABLE = "active_disclosure"
# OCR reads (一) as (-) or (—), and a banner may end with a colon.
_CAPTION_RE = re.compile(r"^第二十条第\(([一二三四五六七八九十\-—–]+)\)项[:：]?$")
# Lines after which a sub-table cannot continue (the next table's header).
_END_RE = re.compile(r"勾稽关系|申请人情况|本年新收")
_MAX_SEGMENT_CELLS = 60  # non-blank lines
# Row labels ("其他对外管理服务事项", "规章(地方政府规章)") and their wrapped
# pieces are short; a longer label after the first row is prose.
_MAX_ROW_LABEL = 24

DOC_COUNT_METRICS = frozenset(
    {"issued", "repealed", "in_force", "decisions", "new_made", "new_published", "total_published"}
)


def _caption(cell: str) -> str | None:
    m = _CAPTION_RE.match(norm(cell))
    return re.sub("[-—–]", "一", m.group(1)) if m else None


def _first_cell(doc: Document, i: int) -> tuple[int, str]:
    for j, cell in enumerate(doc.cells(i)):
        if cell:
            return j, cell
    return -1, ""


def _line_caption(doc: Document, i: int) -> tuple[str | None, bool]:
    """The caption a line holds as its first cell, or as all its cells
    joined (a converter that cut "第二十条第|(一)项" into two cells); the flag
    says the whole line is the caption."""
    caption = _caption(_first_cell(doc, i)[1])
    if caption is not None:
        return caption, False
    joined = _caption("".join(doc.cells(i)))
    return joined, joined is not None


def find_captions(doc: Document) -> list[int]:
    """Lines that hold a sub-table caption (first cell, or the whole line)."""
    out = []
    for i, line in enumerate(doc.lines):
        if "二十条" in line and _line_caption(doc, i)[0]:
            out.append(i)
    return out


class _Segment:
    """State while reading one sub-table: its header, then its rows."""

    def __init__(self) -> None:
        self.header: list[str] = []
        self.header_lines: list[str] = []  # the header labels as written (spaces kept)
        self.header_cells: list[tuple[str, ...]] = []  # the header lines' cells (grid layouts)
        self.rows: list[tuple[str, str, tuple[str, ...], RawRow]] = []  # item, label, values, row
        self.ended = False


def read_segment(rows: Iterable[RawRow], issues: list[ParseIssue]) -> _Segment:
    """Split a sub-table's rows into header text and (item, values) rows.

    Labels before the first item label are header text. A label run may
    hold several item labels (stream layout, blank rows): all but the last
    get no values. A label that repeats the item just named ("规章" then
    "(地方政府规章)") is a wrapped label, not a new row.
    """
    seg = _Segment()
    for row in rows:
        targets: list[tuple[str, str]] = []  # (item, label as written)
        for raw in row.labels:
            for label in expand_label(raw):
                if (
                    is_section_heading(label)
                    or len(label.norm) > MAX_LABEL_CHARS
                    or _END_RE.search(label.norm)
                    or _caption(label.norm)
                ):
                    seg.ended = True
                    break
                started = bool(seg.rows or targets)
                if started and len(label.norm) > _MAX_ROW_LABEL:
                    seg.ended = True  # prose after the table, not a row label
                    break
                item = active_item(label)
                if not started and item in (None, "header"):
                    seg.header.append(label.norm)
                    if label.raw == raw:  # a whole cell, not a piece of a split one
                        seg.header_lines.append(raw)
                elif item in (None, "header"):
                    continue  # a fragment of the label before it
                elif targets and targets[-1][0] == item:
                    continue
                else:
                    targets.append((item, raw))
            if seg.ended:
                break
        if not targets and not seg.rows and row.cells is not None and not seg.ended:
            seg.header_cells.append(row.cells)
        for k, (item, raw) in enumerate(targets):
            last = k == len(targets) - 1
            seg.rows.append((item, raw, row.values if last and not seg.ended else (), row))
        if not targets and row.has_values and not seg.ended:
            if seg.rows:
                issues.append(
                    ParseIssue(
                        "unknown_row",
                        f"表二: values {list(row.values)} under labels {list(row.labels)} "
                        "match no Article-20 item; ignored",
                        blocking=False,
                        table=TABLE,
                    )
                )
        if seg.ended:
            break
    return seg


def _facts_for_row(
    item: str,
    label: str,
    values: tuple[str, ...],
    row: RawRow,
    columns: Columns | None,
    metrics: list[str],
    unit_from_header: str | None,
    caption: str,
    issues: list[ParseIssue],
    blanks: list[str],
) -> list[ActiveFact]:
    locations = row.value_locations if row.value_locations is not None and len(row.value_locations) == len(values) else None
    if values and len(values) != len(metrics):
        fixed = values_at(row, columns)
        how = "cells placed by the header's columns"
        if fixed is not None and columns is not None:
            locations = row.locations_of(columns.index)
        else:
            fixed = compacted(values, len(metrics))
            how = "empty spacer cells between the values dropped"
            if fixed is not None and locations is not None:
                locations = tuple(loc for v, loc in zip(values, locations) if v.strip())
        if fixed is not None:
            issues.append(
                ParseIssue(
                    "row_aligned_by_grid",
                    f"表二 第二十条第({caption})项 row {label!r}: {how}: {list(fixed)}",
                    blocking=False,
                    table=TABLE,
                )
            )
            values = fixed
    if values and len(values) != len(metrics):
        issues.append(
            ParseIssue(
                "table_row_misaligned",
                f"表二 第二十条第({caption})项 row {label!r}: {len(values)} value cells {list(values)} "
                f"for {len(metrics)} columns {metrics}; no value taken",
                table=TABLE,
            )
        )
        return []
    if not values:
        values, label = _values_after_label(item, label, metrics, caption, issues)
    if not values:
        blanks.append(label)
        values = ("",) * len(metrics)
    facts = []
    if locations is None or len(locations) != len(values):
        locations = (None,) * len(values)
    for metric, raw, location in zip(metrics, values, locations):
        cell = parse_cell(raw)
        value: Decimal | None = cell.value
        unit: str | None = None
        if metric == "amount":
            unit = unit_from_header or cell.unit
            if cell.unit in MONEY_UNITS and unit_from_header and cell.unit != unit_from_header:
                issues.append(
                    ParseIssue(
                        "unit_conflict",
                        f"表二 row {label!r}: header says {unit_from_header}, cell {raw!r} says {cell.unit}; "
                        "the cell's unit is kept",
                        blocking=False,
                        table=TABLE,
                    )
                )
                unit = cell.unit
            if cell.unit is not None and cell.unit not in MONEY_UNITS:
                value = None
                _bad(issues, label, metric, raw, "a count unit in an amount cell")
            elif value is not None and unit is None:
                issues.append(
                    ParseIssue(
                        "unit_missing",
                        f"表二 row {label!r}: amount {raw!r} states no unit",
                        blocking=False,
                        table=TABLE,
                    )
                )
            if cell.kind == "invalid":
                _bad(issues, label, metric, raw, "not a number")
        else:
            unit = "件" if metric in DOC_COUNT_METRICS else None
            count, bad = read_count(raw)
            value = Decimal(count) if count is not None else None
            if bad:
                _bad(issues, label, metric, raw, "not a whole count")
        facts.append(
            ActiveFact(item, metric, value, unit, CellRef(TABLE, label, METRIC_LABELS[metric], raw, location))
        )
    return facts


def _metric_columns(seg: _Segment) -> tuple[Columns | None, list[str]]:
    """The sub-table's metrics read column by column from its header lines,
    with the grid column of each; (None, []) when the sub-table is no grid,
    a column names two metrics, or the complete rows disagree with the
    columns found."""
    rows = [r for _i, _l, _v, r in seg.rows]
    widths = [len(r.cells) for r in rows if r.cells is not None]
    if not widths or not seg.header_cells:
        return None, []
    width = max(widths + [len(c) for c in seg.header_cells])
    index: list[int] = []
    named: list[str] = []
    for j, text in enumerate(column_texts(seg.header_cells, width)):
        found = find_metrics(text)
        if len(found) > 1:
            return None, []
        if found:
            index.append(j)
            named.append(found[0])
    if not named or len(set(named)) != len(named):
        return None, []
    columns = agrees_with_counted_rows(Columns(tuple(index), width, "header"), rows, len(named))
    return (columns, named) if columns is not None else (None, [])


# A label cell that ends with the row's one or two figures ("行政许可 693",
# "行政事业性收费 51.822"): the text layer of a PDF without ruling lines
# prints a short row on one line, and the splitter leaves one or two numbers
# with their label (three or more become cells: cells._SPACED_NUMBERS_RE).
_TRAILING_VALUES_RE = re.compile(
    r"^(?P<label>.*?[^\d\s.,-])\s+(?P<values>-?[\d.,]+(?:万元|元|件|项)?(?:\s+-?[\d.,]+(?:万元|元|件|项)?)?)$"
)


def _values_after_label(
    item: str, label: str, metrics: list[str], caption: str, issues: list[ParseIssue]
) -> tuple[tuple[str, ...], str]:
    """(values, label) of a row whose figures were printed inside its label cell; ((), label) otherwise.

    Taken only when the numbers are exactly as many as the sub-table's
    columns and what precedes them is still this item's label.
    """
    m = _TRAILING_VALUES_RE.match(label.strip())
    if m is None:
        return (), label
    values = tuple(m.group("values").split())
    if len(values) != len(metrics) or active_item(parse_label(m.group("label"))) != item:
        return (), label
    issues.append(
        ParseIssue(
            "values_after_label",
            f"表二 第二十条第({caption})项 row {m.group('label')!r}: its figures {list(values)} are printed on the "
            "label's line, separated by spaces; read as its cells",
            blocking=False,
            table=TABLE,
        )
    )
    return values, m.group("label").strip()


def _stacked_metrics(seg: _Segment) -> list[str]:
    """Metrics of a header whose cells wrapped onto stacked lines of space-separated words.

    A PDF without ruling lines (or its text layer) prints the header
    "本年新制作数量 | 本年新公开数量 | 对外公开总数量" as two lines,
    ``本年新 本年新 对外公开`` over ``制作数量 公开数量 总数量``: read row by
    row the words name nothing, read column by column they name every column.
    Taken only when every stacked line has the same number of words, each
    column names exactly one metric, no metric twice, and the sub-table's
    rows with values have exactly that many; otherwise [] (the caller goes on).
    """
    stacked = [line.split() for line in seg.header_lines if len(line.split()) >= 2]
    if len(stacked) < 2 or len({len(words) for words in stacked}) != 1:
        return []
    width = len(stacked[0])
    named = []
    for j in range(width):
        found = find_metrics("".join(words[j] for words in stacked))
        if len(found) != 1:
            return []
        named.append(found[0])
    widths = {len(values) for _item, _label, values, _row in seg.rows if values}
    if len(set(named)) != width or not widths <= {width}:  # rows all blank: their cells are NULL either way
        return []
    return named


def _bad(issues: list[ParseIssue], label: str, metric: str, raw: str, why: str) -> None:
    issues.append(
        ParseIssue(
            "bad_value",
            f"表二 row {label!r} column {METRIC_LABELS[metric]}: cell {raw!r} is {why}; stored as NULL",
            table=TABLE,
        )
    )


def parse_active_segment(
    caption: str, rows: Iterable[RawRow], issues: list[ParseIssue], blanks: list[str]
) -> tuple[list[ActiveFact], bool]:
    """One sub-table's rows (any layout) → (facts, any item row seen).

    The entry point for new layouts: whatever yields `RawRow`s for the
    sub-table after its caption can be parsed here. Labels of rows whose
    cells are all blank are added to ``blanks`` (reported once per table).
    """
    seg = read_segment(rows, issues)
    if not seg.rows:
        return [], False
    header = "".join(seg.header)
    # Each column's header cells, joined top to bottom, name its metric: a
    # header wrapped over two lines ("本年新" / "制作数量") or drawn with
    # spanning cells reads right by column and garbled row by row.
    columns, metrics = _metric_columns(seg)
    if not metrics:
        metrics = _stacked_metrics(seg)
    if not metrics:
        metrics = find_metrics(header)
    if not metrics:
        issues.append(
            ParseIssue(
                "header_unrecognised",
                f"表二 第二十条第({caption})项: no column named in header {header!r}; rows not read",
                table=TABLE,
            )
        )
        return [], True
    unit = header_money_unit(header)
    facts: list[ActiveFact] = []
    for item, label, values, row in seg.rows:
        if item == "extra":
            issues.append(
                ParseIssue(
                    "extra_row_ignored",
                    f"表二 row {label!r} is not a contract item (local variant); ignored",
                    blocking=False,
                    table=TABLE,
                )
            )
            continue
        facts.extend(_facts_for_row(item, label, values, row, columns, metrics, unit, caption, issues, blanks))
    return facts, True


def extract_active(doc: Document, issues: list[ParseIssue]) -> tuple[list[ActiveFact], bool]:
    """All sub-tables of table 二 in the document → (facts, found)."""
    captions = find_captions(doc)
    facts: list[ActiveFact] = []
    blanks: list[str] = []
    found = False
    for k, start in enumerate(captions):
        end = captions[k + 1] if k + 1 < len(captions) else len(doc)
        end = min(end, doc.advance(start, _MAX_SEGMENT_CELLS))
        caption, whole_line = _line_caption(doc, start)
        caption = caption or "?"
        rows = doc.rows(start, end)
        first = next(rows, None)
        if first is None:
            continue
        # The caption cell itself is not part of the sub-table's header.
        trimmed = None if whole_line else _drop_caption(first)
        seg_rows = chain([trimmed] if trimmed is not None else [], rows)
        seg_facts, seen = parse_active_segment(caption, seg_rows, issues, blanks)
        found = found or seen
        facts.extend(seg_facts)
    if blanks:
        issues.append(
            ParseIssue(
                "blank_row",
                f"表二 rows with every cell blank (stored as NULL): {blanks}",
                blocking=False,
                table=TABLE,
            )
        )
    if found:
        _note_unread_items(doc, captions, facts, issues)
    return _dedupe(facts, issues), found


def _note_unread_items(doc: Document, captions: list[int], facts: list[ActiveFact], issues: list[ParseIssue]) -> None:
    """Items the table prints but no cell was read for: a half-read table 二.

    An item whose label appears nowhere in the table's lines is absent from
    the document (a body without rule-making power prints no 规章 row): that
    is the document's choice, not a parse failure, and is left to the
    completeness rules. One whose label is there but yielded nothing (a row
    garbled by a converter) blocks: no half-read table is published.
    """
    read = {f.item for f in facts}
    end = min(len(doc), doc.advance(captions[-1], _MAX_SEGMENT_CELLS))
    region = norm("".join(doc.lines[captions[0]:end]))
    cut = _END_RE.search(region)
    if cut:
        region = region[: cut.start()]
    printed = [code for code, pattern in ACTIVE_ITEMS if code not in read and pattern.search(region)]
    if printed:
        issues.append(
            ParseIssue(
                "rows_missing",
                f"表二: the table prints {printed} but no cell of them could be read; "
                "a half-read table is never published as whole",
                table=TABLE,
            )
        )


def _drop_caption(row: RawRow) -> RawRow | None:
    labels = row.labels
    while labels and _caption(labels[0]):
        labels = labels[1:]
    if not labels and not row.has_values:
        return None
    return replace(row, labels=labels)


def _dedupe(facts: list[ActiveFact], issues: list[ParseIssue]) -> list[ActiveFact]:
    """Keep the first fact per (item, metric); a repeat that disagrees blocks.

    Repeats come from a report printed twice in one file; there is no way to
    tell which copy is right, so any difference (a blank included) is flagged.
    """
    seen: dict[tuple[str, str], ActiveFact] = {}
    out = []
    for fact in facts:
        key = (fact.item, fact.metric)
        prev = seen.get(key)
        if prev is None:
            seen[key] = fact
            out.append(fact)
        elif prev.value != fact.value:
            issues.append(
                ParseIssue(
                    "conflicting_values",
                    f"表二 {fact.item}.{fact.metric} is given twice: {prev.ref.raw!r} and {fact.ref.raw!r}",
                    table=TABLE,
                )
            )
    return out
