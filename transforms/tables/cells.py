"""Text → rows of cells, in the layouts tables arrive in.

Every table parser works on `RawRow`s -- "the label cells of a row and the
value cells after them" -- and never on the text itself. That one step is
the seam for new layouts: crawler text whose cells are space-separated or
flattened into digit runs, PDF words, OCR'd markdown tables only need a
function that yields `RawRow`s; the table parsers stay as they are.

Layouts handled here:

* ``lines`` -- one row per line, cells separated by tabs or " | " (HTML,
  DOCX and PDF renders, seeds 001 and 002). Label cells may be split or
  misaligned ("(五) 不予 处理", an empty cell after a label that spans two
  columns, the group label only on the first row of its group), so a row is
  read as "label cells, then value cells" rather than by column index.
* ``stream`` -- one cell per line (seed 000): blank lines mean nothing, a
  header may be broken over lines ("本年新" / "制作数量"), and a row is the
  run of label cells followed by the run of value cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .values import is_label_cell, is_markdown_rule

LINES = "lines"
STREAM = "stream"

# A label-only line with more label cells than this is a header line, never
# a row label whose values wrapped onto the next line.
_MAX_WRAPPED_LABELS = 2
# How many non-blank lines of a region decide its layout.
_LAYOUT_SAMPLE = 12


@dataclass(frozen=True)
class RawRow:
    """One table row as read: its label cells and the value cells after them.

    ``labels``: the non-empty label cells, in order, as written (stripped).
    ``values``: the cells after the last label, with empty cells at both ends
    removed (label spans and trailing separators are layout, not data);
    inner empty cells are kept -- they are blank cells.
    ``after_label``: the cells after the last label before trimming, kept to
    say what was seen when a row cannot be mapped.
    ``cells``/``label_end``: the whole line and the index of its last label
    cell (lines layout only) -- lets a parser use the grid of a
    consistently rendered table.
    ``line``: index of the row's first line in the document.
    """

    labels: tuple[str, ...]
    values: tuple[str, ...]
    after_label: tuple[str, ...]
    line: int
    cells: tuple[str, ...] | None = None
    label_end: int = -1
    # Where the cells came from, computed only for the rows that become facts:
    # the document and the line whose cells ``cells`` are (lines layout), or
    # the values' locations themselves (stream layout).
    source: Document | None = field(default=None, repr=False, compare=False)
    cells_line: int = -1
    stream_locations: tuple[str | None, ...] | None = None

    @property
    def has_values(self) -> bool:
        return any(self.values)

    @property
    def cell_locations(self) -> tuple[str | None, ...] | None:
        """Where each of ``cells`` came from (`Document.locations`)."""
        if self.source is None or self.cells_line < 0:
            return None
        return self.source.locations(self.cells_line)

    @property
    def value_locations(self) -> tuple[str | None, ...] | None:
        """Where each of ``values`` came from."""
        if self.stream_locations is not None:
            return self.stream_locations
        locs = self.cell_locations
        if locs is None or self.cells is None or not self.values:
            return None
        first = self.label_end + 1
        while first < len(self.cells) and not self.cells[first]:
            first += 1
        return tuple(locs[first : first + len(self.values)])

    def locations_of(self, indexes: Iterable[int]) -> tuple[str | None, ...]:
        """Where the cells at grid columns ``indexes`` came from."""
        locs = self.cell_locations
        return tuple(locs[j] if locs is not None and j < len(locs) else None for j in indexes)


# Three or more numbers separated by spaces at the end of a line or cell:
# a row's values printed without separators (converter Markdown, PDF rows
# outside a detected table, "27 1 0 0 0 0 28"). Two numbers stay one cell:
# "1 234" is a thousands group.
_SPACED_NUMBERS_RE = re.compile(r"^(?P<label>.*?[^\d\s.,-])?\s*(?P<numbers>-?[\d.,]+(?:\s+-?[\d.,]+){2,})$")
# Markdown converters keep a cell's line breaks as <br>.
_BR_RE = re.compile(r"\s*<br\s*/?>\s*", re.I)
_CJK_PAIR_BR_RE = re.compile(r"(?<=[\u3400-\u9fff])\s*<br\s*/?>\s*(?=[\u3400-\u9fff])", re.I)


def split_cells(line: str) -> list[str]:
    """One line → its cells. Tabs win over pipes; a line without either is one
    cell, unless it ends with a run of space-separated numbers (see
    `_SPACED_NUMBERS_RE`), which become cells of their own."""
    if "<" in line:
        line = _BR_RE.sub(" ", _CJK_PAIR_BR_RE.sub("", line))
    if "\t" in line:
        parts = line.split("\t")
    elif "|" in line or "｜" in line:
        parts = line.replace("｜", "|").split("|")
    else:
        parts = [line]
    cells: list[str] = []
    for part in parts:
        part = part.strip()
        m = _SPACED_NUMBERS_RE.match(part) if " " in part else None
        if m is None:
            cells.append(part)
            continue
        if m.group("label"):
            cells.append(m.group("label").strip())
        cells.extend(m.group("numbers").split())
    return cells


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    start, end = 0, len(cells)
    while start < end and not cells[start]:
        start += 1
    while end > start and not cells[end - 1]:
        end -= 1
    return cells[start:end]


def row_from_cells(cells: list[str], line: int, source: Document | None = None) -> RawRow:
    """Read one line of the ``lines`` layout as a row.

    The label part ends at the last label cell; anything before it (group
    labels, numbering cells, empty cells of a row span) is label context.
    Adjacent identical label cells (a merged cell repeated by the renderer)
    count once.
    """
    label_end = -1
    for j, cell in enumerate(cells):
        if cell and is_label_cell(cell):
            label_end = j
    labels: list[str] = []
    for cell in cells[: label_end + 1]:
        # A merged cell rendered once per spanned column repeats its text.
        if cell and (not labels or cell != labels[-1]):
            labels.append(cell)
    after = tuple(cells[label_end + 1 :])
    return RawRow(tuple(labels), _trim(after), after, line, tuple(cells), label_end, source, line)


def _cell_spans(line: str, cells: list[str]) -> list[tuple[int, int] | None]:
    """Character spans of ``split_cells(line)`` in ``line``; a blank cell's
    span is empty, at its place between the separators. Cells that the split
    rewrote (``<br>`` taken out) are found by search, or left None."""
    sep = "\t" if "\t" in line else "|" if ("|" in line or "｜" in line) else None
    parts: list[tuple[int, int]] = []
    if sep is not None and "<" not in line:
        at = 0
        source = line.replace("｜", "|") if sep == "|" else line
        for piece in source.split(sep):
            stripped = piece.strip()
            lead = len(piece) - len(piece.lstrip())
            parts.append((at + lead, at + lead + len(stripped)))
            at += len(piece) + 1
    out: list[tuple[int, int] | None] = []
    cursor = 0
    for k, cell in enumerate(cells):
        if len(parts) == len(cells):
            out.append(parts[k])
            continue
        if not cell:
            out.append((cursor, cursor))
            continue
        found = line.find(cell, cursor)
        if found < 0:
            out.append(None)
            continue
        out.append((found, found + len(cell)))
        cursor = found + len(cell)
    return out


class Document:
    """The text of one report as lines, with cells split on demand.

    Splitting is lazy and cached: only the lines inside table regions are
    ever split, which keeps a 40 KB page well under a millisecond.
    """

    __slots__ = ("lines", "_cells", "_origins", "_starts", "_text", "_locs")

    def __init__(self, text: str, origins: Mapping[int, Sequence[str]] | None = None):
        self.lines: list[str] = text.splitlines()
        self._cells: list[list[str] | None] = [None] * len(self.lines)
        self._origins = origins or {}
        self._starts: list[int] | None = None
        self._text = text
        self._locs: dict[int, tuple[str | None, ...]] = {}

    def locations(self, i: int) -> tuple[str | None, ...]:
        """Where each cell of line ``i`` came from: the container's own
        position of the cell (`transforms.locations`: PDF page and box, HTML
        or DOCX table/row/column) when the extractor recorded one for this
        line, else its character offsets in the cleaned text."""
        cached = self._locs.get(i)
        if cached is not None:
            return cached
        cells = self.cells(i)
        origin = self._origins.get(i)
        if origin is not None and len(origin) == len(cells):
            self._locs[i] = tuple(origin)
            return self._locs[i]
        if self._starts is None:
            starts, at = [], 0
            for line in self._text.splitlines(keepends=True):
                starts.append(at)
                at += len(line)
            self._starts = starts
        line, base = self.lines[i], self._starts[i]
        out = tuple(
            None if span is None else f"text chars {base + span[0]}–{base + span[1]}"
            for span in _cell_spans(line, cells)
        )
        self._locs[i] = out
        return out

    def __len__(self) -> int:
        return len(self.lines)

    def cells(self, i: int) -> list[str]:
        cached = self._cells[i]
        if cached is None:
            cached = split_cells(self.lines[i])
            self._cells[i] = cached
        return cached

    def is_blank(self, i: int) -> bool:
        return not self.lines[i].strip()

    def advance(self, start: int, nonblank: int) -> int:
        """The line index just past ``nonblank`` non-blank lines from ``start``.

        Region limits count non-blank lines, so that a one-cell-per-line
        table with blank lines between its cells gets the same room as a
        one-row-per-line table.
        """
        seen = 0
        i = start
        n = len(self.lines)
        while i < n and seen < nonblank:
            if self.lines[i].strip():
                seen += 1
            i += 1
        return i

    def layout(self, start: int, end: int) -> str:
        """``lines`` when most non-blank lines of the region carry separators."""
        seen = with_sep = 0
        for i in range(start, min(end, len(self.lines))):
            line = self.lines[i]
            if not line.strip():
                continue
            seen += 1
            if "\t" in line or "|" in line or "｜" in line:
                with_sep += 1
            if seen >= _LAYOUT_SAMPLE:
                break
        return LINES if seen and with_sep * 2 >= seen else STREAM

    def rows(self, start: int, end: int, layout: str | None = None) -> Iterator[RawRow]:
        """The rows of lines ``start``..``end`` (exclusive) in the given layout."""
        end = min(end, len(self.lines))
        layout = layout or self.layout(start, end)
        if layout == LINES:
            return self._line_rows(start, end)
        return self._stream_rows(start, end)

    def _line_rows(self, start: int, end: int) -> Iterator[RawRow]:
        """Lines layout; a label-only line directly followed by a value-only
        line is one row (a label whose values wrapped onto the next line)."""
        pending: RawRow | None = None
        for i in range(start, end):
            if self.is_blank(i):
                continue
            cells = self.cells(i)
            if is_markdown_rule(cells):
                continue
            row = row_from_cells(cells, i, self)
            if not row.labels and not row.has_values:
                continue  # a line of empty cells
            if pending is not None:
                if not row.labels and row.has_values:
                    # The value line's cells keep their columns: a reader
                    # that knows the table's grid can place its blanks.
                    yield RawRow(pending.labels, row.values, row.after_label, pending.line, row.cells, -1, self, i)
                    pending = None
                    continue
                yield pending
                pending = None
            if row.labels and not row.has_values and not row.after_label and len(row.labels) <= _MAX_WRAPPED_LABELS:
                pending = row
                continue
            yield row
        if pending is not None:
            yield pending

    def _stream_rows(self, start: int, end: int) -> Iterator[RawRow]:
        """Stream layout: a row is a run of label cells then a run of values."""
        labels: list[str] = []
        values: list[str] = []
        locs: list[str | None] = []
        first = start
        for i in range(start, end):
            if self.is_blank(i):
                continue
            cells = self.cells(i)
            if is_markdown_rule(cells):
                continue  # a short markdown table among prose is sampled as stream
            for k, cell in enumerate(cells):
                if not cell:
                    continue
                if is_label_cell(cell):
                    if values:
                        yield RawRow(tuple(labels), tuple(values), tuple(values), first, stream_locations=tuple(locs))
                        labels, values, locs = [], [], []
                    if not labels:
                        first = i
                    labels.append(cell)
                else:
                    if not labels and not values:
                        first = i
                    values.append(cell)
                    locs.append(self.locations(i)[k])
        if labels or values:
            yield RawRow(tuple(labels), tuple(values), tuple(values), first, stream_locations=tuple(locs))
