"""Where a table's value cells are: columns of the grid, by meaning or position.

HTML, DOCX and PDF tables reach the table readers as grids -- one " | "
line per table row, spans expanded into empty cells, blank cells kept in
their positions (`transforms.extract`, `transforms.cleaning`); Markdown
and pipe/tab text tables are the same shape when their producer kept the
columns. In such a grid a cell's *column* says what it is, whatever the
row's other cells hold: a blank 总计, an empty 规章 row, a label column
spanned by rowspan. Counting the non-empty cells after a label cannot
tell those apart, so the readers locate the value block once per table:

* **by header meaning** -- each column's header text (the header rows'
  cells in that column, top to bottom, joined) is matched against the
  form's column names (`header_columns`); split header rows
  ("法人或其他组织" over five sub-columns) need nothing special, because
  every sub-column keeps its own cell;
* **by the rows themselves** -- the column at which the rows that print
  every cell start (table 三: `requests.request_columns`, which also
  decides whether the table is a grid at all: ragged hand-typed text,
  whose complete rows start anywhere, is not);
* **by position from the right edge** -- where headers are missing,
  generic ("数据1 … 数据6") or misread, the value block is the ``n``
  columns ending at the rightmost column holding a value
  (`right_edge_columns`).

`values_at` then reads one row by those columns, and refuses (None) a row
that does not fit -- a label inside the value block, a value outside it, a
row that stops short -- so that such a row is reported and never shifted
into another row's place. `agrees_with_counted_rows` rejects columns that
the complete rows contradict, and `compacted` drops a converter's empty
spacer columns when exactly the form's number of values remains. Rows
that are not grids (one cell per line) have no columns; their readers
count cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .cells import RawRow
from .labels import norm
from .values import is_label_cell

@dataclass(frozen=True)
class Columns:
    """The grid columns of a table's value slots, in slot order.

    ``width`` is the number of cells of the rows these indexes refer to;
    ``source`` says how they were found (``header`` or ``right_edge``).
    """

    index: tuple[int, ...]
    width: int
    source: str


def right_edge_columns(
    rows: Sequence[RawRow], n: int, extra: Iterable[Sequence[str]] = (), labelled: bool = True
) -> Columns | None:
    """The ``n`` columns ending at the rightmost column that holds a value in
    any row, or a header cell in any line of ``extra``. Rows may differ in
    length (Word exports close some rows with spacer cells); positions
    count from the left, so a spacer after the block does not move it.
    ``labelled``: the rows have a label column left of the block (table
    四's data row need not)."""
    right = -1
    width = 0
    for row in rows:
        if row.cells is None:
            continue
        width = max(width, len(row.cells))
        for j in range(len(row.cells) - 1, right, -1):
            cell = row.cells[j]
            if cell and not is_label_cell(cell):
                right = j
                break
    for cells in extra:
        width = max(width, len(cells))
        for j in range(len(cells) - 1, right, -1):
            if cells[j]:
                right = j
                break
    if right < n - 1 + labelled:  # a label needs a column of its own
        return None
    return Columns(tuple(range(right - n + 1, right + 1)), width, "right_edge")


def column_texts(header_lines: Sequence[Sequence[str]], width: int) -> list[str]:
    """Each column's header text: its cells in the header lines, joined (normalised)."""
    out = [""] * width
    for cells in header_lines:
        for j, cell in enumerate(cells[:width]):
            if cell:
                out[j] += norm(cell)
    return out


def header_columns(
    header_lines: Sequence[Sequence[str]],
    width: int,
    slots: Sequence[tuple[str, re.Pattern[str]]],
    strip: re.Pattern[str] | None = None,
) -> Columns | None:
    """Columns of ``slots`` (name, pattern) found by header meaning.

    Each slot must match exactly one column, and the columns must come in
    slot order; otherwise None (the caller falls back to the right edge).
    ``strip`` removes spanning group names ("法人或其他组织", "申请人情况")
    from a column's text before matching.
    """
    texts = column_texts(header_lines, width)
    if strip is not None:
        texts = [strip.sub("", t) for t in texts]
    found: list[int] = []
    for _name, pattern in slots:
        hits = [j for j, text in enumerate(texts) if text and pattern.search(text)]
        if len(hits) != 1:
            return None
        found.append(hits[0])
    if found != sorted(found) or len(set(found)) != len(found):
        return None
    return Columns(tuple(found), width, "header")


def values_at(row: RawRow, columns: Columns | None) -> tuple[str, ...] | None:
    """The row's cells at ``columns``, or None when the row does not fit the grid.

    A row fits when its labels end before the value block, no label sits
    inside the block, and no cell outside the block (after the labels)
    holds anything. A row that stops short of the block's last column does
    not fit: dropped cells cannot be told from blank ones.
    """
    if columns is None or row.cells is None:
        return None
    cells = row.cells
    if row.label_end >= columns.index[0]:
        return None
    wanted = set(columns.index)
    for j in range(row.label_end + 1, len(cells)):
        cell = cells[j]
        if cell and (j not in wanted or is_label_cell(cell)):
            return None
    if len(cells) <= columns.index[-1]:
        return None  # a row that stops short is not placed: its cells may be shifted
    return tuple(cells[j] for j in columns.index)


def agrees_with_counted_rows(columns: Columns | None, rows: Iterable[RawRow], n: int) -> Columns | None:
    """``columns``, if every row whose counted cells fill all ``n`` slots
    (`RawRow.values`) has those very cells in those columns; else None.

    This is what tells a grid from ragged text: hand-typed tables (a label
    that takes one cell in some rows and two in others, a trailing
    separator on some lines) place complete rows in different columns, and
    there a short row's blanks cannot be placed by position.
    """
    if columns is None:
        return None
    for row in rows:
        if row.cells is not None and len(row.values) == n and values_at(row, columns) != row.values:
            return None
    return columns


def compacted(values: Sequence[str], n: int) -> tuple[str, ...] | None:
    """The row's non-empty cells when there are exactly ``n`` of them among
    more cells: a converter that wrote empty spacer columns between a row's
    values ("| 126 | | | 3 | | | 3310 |") where no header grid says which
    column is which. A row with fewer non-empty cells than ``n`` has real
    blanks and is not compacted (its blanks cannot be placed)."""
    filled = tuple(v for v in values if v.strip())
    if len(values) > n and len(filled) == n and not any(is_label_cell(v) for v in filled):
        return filled
    return None
